import Crdkafka

/// Owns a producer's topic handle (`rd_kafka_topic_t`), so records are enqueued
/// without a name lookup each; keeps its client alive until it is destroyed.
final class RDKafkaTopic: Sendable {
    private let handle: SendableOpaquePointer
    private let client: RDKafkaClient
    let name: String

    init(client: RDKafkaClient, name: String) throws(KafkaError) {
        guard let rkt = rd_kafka_topic_new(client.pointer, name, nil) else {
            throw KafkaError(rd_kafka_last_error(), "\(client.callbacks.clientDescription): open topic '\(name)'")
        }
        handle = SendableOpaquePointer(rkt)
        self.client = client
        self.name = name
    }

    var pointer: OpaquePointer { handle.pointer }

    deinit {
        rd_kafka_topic_destroy(handle.pointer)
    }
}
