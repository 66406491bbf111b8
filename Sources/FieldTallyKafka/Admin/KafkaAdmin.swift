import Crdkafka
import Logging

/// Cluster administration: topics and partition watermarks.
///
/// Every call blocks on a dedicated thread, never the cooperative pool.
public final class KafkaAdmin: Sendable {
    /// The configuration this client was created with.
    public let configuration: KafkaAdminConfiguration
    private let client: RDKafkaClient
    private let blocking = BlockingExecutor(label: "fieldtally.kafka.admin")

    /// Creates an admin client. It connects lazily, on the first call.
    ///
    /// The client never creates a topic as a side effect of asking for its metadata.
    ///
    /// - Parameters:
    ///   - configuration: Brokers, client id and the timeout of each request.
    ///   - logger: Receives librdkafka's log lines and background errors. Default: a logger labelled
    ///     `fieldtally.kafka.admin`.
    /// - Throws: ``KafkaError/Code/invalidConfiguration`` naming a rejected property.
    public init(configuration: KafkaAdminConfiguration, logger: Logger = Logger(label: "fieldtally.kafka.admin")) throws(KafkaError) {
        self.configuration = configuration
        let (_, continuation) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(1))
        let description = "admin \(configuration.clientID) (brokers \(configuration.bootstrapServers.joined(separator: ",")))"
        // A consumer-type handle: its metadata requests never auto-create topics
        // (a producer's may, on brokers that allow it).
        client = try RDKafkaClient(
            kind: .consumer,
            properties: configuration.librdkafkaProperties,
            callbacks: RDKafkaCallbacks(clientDescription: description, logger: logger, events: continuation)
        )
    }

    /// Creates topics; a topic that already exists counts as created (its
    /// partitions and configuration are left as they are).
    ///
    /// All topics go in one request, bounded by ``KafkaAdminConfiguration/requestTimeout`` (plus 5 s to
    /// receive the answer).
    ///
    /// - Parameter topics: The topics to create. An empty list does nothing and contacts no broker.
    /// - Throws: ``KafkaError`` naming the first topic that could not be created, ``KafkaError/Code/invalidArgument``
    ///   for a specification librdkafka rejects locally (e.g. 0 partitions), or ``KafkaError/Code/timedOut`` when no
    ///   answer came (with the client's most recent error, such as an unreachable broker).
    public func createTopics(_ topics: [KafkaTopicSpec]) async throws(KafkaError) {
        guard !topics.isEmpty else { return }
        let client = client
        let timeout = configuration.requestTimeout
        try await blocking.run { () throws(KafkaError) in
            try Self.createTopics(topics, client: client, timeout: timeout)
        }
    }

    private static func createTopics(_ topics: [KafkaTopicSpec], client: RDKafkaClient, timeout: Duration) throws(KafkaError) {
        let description = client.callbacks.clientDescription
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for spec in topics {
            guard let topic = rd_kafka_NewTopic_new(spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errorText, errorText.count)
            else {
                throw KafkaError(code: .invalidArgument, message: "\(description): topic \(spec.name): \(String(cBuffer: errorText))")
            }
            newTopics.append(topic)
            for (key, value) in spec.config.sorted(by: { $0.key < $1.key }) {
                try KafkaError.check(rd_kafka_NewTopic_set_config(topic, key, value), "\(description): topic \(spec.name) config \(key)=\(value)")
            }
        }
        let queue = rd_kafka_queue_new(client.pointer)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.timeoutMilliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.timeoutMilliseconds, &errorText, errorText.count)
        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(client.pointer, buffer.baseAddress, buffer.count, options, queue)
        }
        // The result arrives on the private queue; wait a little longer than the request may take.
        guard let event = rd_kafka_queue_poll(queue, timeout.timeoutMilliseconds &+ 5_000) else {
            throw KafkaError(
                code: .timedOut,
                message: "\(description): create topics \(topics.map(\.name)): no answer within \(timeout)"
                    + (client.callbacks.mostRecentError.map { " (most recent client error: \($0.message))" } ?? "")
            )
        }
        defer { rd_kafka_event_destroy(event) }
        try KafkaError.check(
            rd_kafka_event_error(event),
            "\(description): create topics \(topics.map(\.name))"
                + (rd_kafka_event_error_string(event).map { " (\(String(cString: $0)))" } ?? "")
        )
        guard let result = rd_kafka_event_CreateTopics_result(event) else { return }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            let topicResult = results[index]
            let err = rd_kafka_topic_result_error(topicResult)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
            let name = String(cString: rd_kafka_topic_result_name(topicResult))
            let detail = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
            var error = KafkaError(err, "\(description): create topic '\(name)'")
            if !detail.isEmpty { error.message += " (\(detail))" }
            throw error
        }
    }

    /// Describes a topic from the cluster metadata.
    ///
    /// - Parameter name: The topic's exact name.
    /// - Returns: The topic's name and its partition ids, ascending.
    /// - Throws: ``KafkaError/Code/unknownTopic`` when it does not exist; ``KafkaError/Code/timedOut`` when the
    ///   brokers do not answer within ``KafkaAdminConfiguration/requestTimeout``.
    public func describeTopic(_ name: String) async throws(KafkaError) -> KafkaTopicDescription {
        let client = client
        let timeout = configuration.requestTimeout
        return try await blocking.run { () throws(KafkaError) in
            KafkaTopicDescription(name: name, partitions: try client.partitions(of: name, timeoutMilliseconds: timeout.timeoutMilliseconds))
        }
    }

    /// Low and high watermarks of one partition, asking its leader.
    ///
    /// - Parameters:
    ///   - topic: The topic's name.
    ///   - partition: The partition number, from 0.
    /// - Returns: The oldest retained offset and the offset the next record will get; both 0 for a new, empty partition.
    /// - Throws: ``KafkaError`` when the topic or partition does not exist or the leader does not answer in time.
    public func watermarks(topic: String, partition: Int) async throws(KafkaError) -> KafkaWatermarks {
        let client = client
        let timeout = configuration.requestTimeout
        return try await blocking.run { () throws(KafkaError) in
            let (low, high) = try client.watermarks(topic: topic, partition: partition, timeoutMilliseconds: timeout.timeoutMilliseconds)
            return KafkaWatermarks(low: low, high: high)
        }
    }

    /// Watermarks of every partition of a topic, keyed by partition.
    ///
    /// Partitions are queried one after another, so the figures are not one consistent snapshot of a topic
    /// being written to.
    ///
    /// - Parameter topic: The topic's name.
    /// - Returns: Each partition id mapped to its low and high watermarks.
    /// - Throws: ``KafkaError/Code/unknownTopic`` when the topic does not exist, or the first partition's error.
    public func watermarks(topic: String) async throws(KafkaError) -> [Int: KafkaWatermarks] {
        let client = client
        let timeout = configuration.requestTimeout.timeoutMilliseconds
        return try await blocking.run { () throws(KafkaError) in
            var result: [Int: KafkaWatermarks] = [:]
            for partition in try client.partitions(of: topic, timeoutMilliseconds: timeout) {
                let (low, high) = try client.watermarks(topic: topic, partition: partition, timeoutMilliseconds: timeout)
                result[partition] = KafkaWatermarks(low: low, high: high)
            }
            return result
        }
    }
}
