import Crdkafka

/// Owns a consumer's group metadata (`rd_kafka_consumer_group_metadata_t`),
/// which transactional offset commits need.
final class RDKafkaGroupMetadata: Sendable {
    private let handle: SendableOpaquePointer

    init(_ pointer: OpaquePointer) {
        handle = SendableOpaquePointer(pointer)
    }

    var pointer: OpaquePointer { handle.pointer }

    deinit {
        rd_kafka_consumer_group_metadata_destroy(handle.pointer)
    }
}
