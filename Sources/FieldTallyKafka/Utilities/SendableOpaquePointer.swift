/// A C pointer that may cross threads.
///
/// This is the module's only `@unchecked Sendable` type. librdkafka handles
/// (`rd_kafka_t`, `rd_kafka_topic_t`, queues) are documented as thread-safe, and
/// every other pointer wrapped here (per-batch delivery slots) is written once
/// before it is shared and freed only by its single owner. The owners are final
/// classes that destroy the pointee in `deinit`.
struct SendableOpaquePointer: @unchecked Sendable, Hashable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }
}
