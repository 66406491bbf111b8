import Crdkafka

/// Owns one librdkafka client handle (`rd_kafka_t`) and the callback context its
/// C callbacks use; destroys both in `deinit`, handle first.
final class RDKafkaClient: Sendable {
    enum Kind {
        case producer
        case consumer
    }

    private let handle: SendableOpaquePointer
    let callbacks: RDKafkaCallbacks

    /// The `rd_kafka_t` handle.
    var pointer: OpaquePointer { handle.pointer }

    /// Creates a client from librdkafka properties; throws
    /// ``KafkaError/Code/invalidConfiguration`` naming the bad property.
    init(kind: Kind, properties: [String: String], callbacks: RDKafkaCallbacks) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .invalidConfiguration, message: "rd_kafka_conf_new failed (out of memory)")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "\(callbacks.clientDescription): configuration property \(key)=\(value) rejected: "
                        + String(cBuffer: errorText)
                )
            }
        }
        callbacks.install(on: conf)
        if kind == .producer { rd_kafka_conf_set_dr_msg_cb(conf, deliveryReportCallback) }
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let rk = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)  // still ours when rd_kafka_new fails
            throw KafkaError(
                code: .invalidConfiguration,
                message: "\(callbacks.clientDescription): could not create the client: \(String(cBuffer: errorText))"
            )
        }
        handle = SendableOpaquePointer(rk)
        self.callbacks = callbacks
    }

    deinit {
        rd_kafka_destroy(handle.pointer)
        callbacks.events.finish()
    }

    /// Partition ids of `topic` from the cluster metadata (blocking: call on a
    /// dedicated thread). Throws ``KafkaError/Code/unknownTopic`` when absent.
    func partitions(of topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> [Int] {
        guard let rkt = rd_kafka_topic_new(pointer, topic, nil) else {
            throw KafkaError(rd_kafka_last_error(), "\(callbacks.clientDescription): open topic '\(topic)'")
        }
        defer { rd_kafka_topic_destroy(rkt) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        try KafkaError.check(
            rd_kafka_metadata(pointer, 0, rkt, &metadata, timeoutMilliseconds),
            "\(callbacks.clientDescription): metadata for topic '\(topic)'"
        )
        defer { rd_kafka_metadata_destroy(metadata) }
        guard let metadata, metadata.pointee.topic_cnt > 0 else {
            throw KafkaError(code: .unknownTopic, message: "\(callbacks.clientDescription): topic '\(topic)' not in metadata")
        }
        let topicMetadata = metadata.pointee.topics[0]
        try KafkaError.check(topicMetadata.err, "\(callbacks.clientDescription): metadata for topic '\(topic)'")
        return (0..<Int(topicMetadata.partition_cnt)).map { Int(topicMetadata.partitions[$0].id) }.sorted()
    }

    /// Low and high watermarks of a partition, asking the broker (blocking).
    func watermarks(topic: String, partition: Int, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        try KafkaError.check(
            rd_kafka_query_watermark_offsets(pointer, topic, Int32(partition), &low, &high, timeoutMilliseconds),
            "\(callbacks.clientDescription): watermarks of \(topic)[\(partition)]"
        )
        return (low, high)
    }
}
