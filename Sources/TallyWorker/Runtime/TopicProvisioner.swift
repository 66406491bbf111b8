import FieldTallyKafka
import Logging

/// Creates the pipeline's topics when they are missing (idempotent): the submission, valid,
/// coded and dead-letter topics, and the compacted tallies, changelog and coding-review topics.
public enum TopicProvisioner {
    /// The topics of ARCHITECTURE.md's pipeline with `configuration`'s names and partition count, each
    /// taking records up to the configuration's `maxRecordBytes` (`max.message.bytes`).
    /// - Parameter configuration: supplies the topic names, the partition count and the record size.
    /// - Returns: seven specifications: four delete-policy topics, then the compacted tallies, changelog and
    ///   coding review.
    public static func pipelineTopics(_ configuration: WorkerConfiguration) -> [KafkaTopicSpec] {
        let t = configuration.topics
        let sized = ["max.message.bytes": String(configuration.maxRecordBytes)]
        let compact = sized.merging(["cleanup.policy": "compact"]) { $1 }
        return [
            KafkaTopicSpec(name: t.submissions, partitions: t.partitions, config: sized),
            KafkaTopicSpec(name: t.valid, partitions: t.partitions, config: sized),
            KafkaTopicSpec(name: t.coded, partitions: t.partitions, config: sized),
            KafkaTopicSpec(name: t.rejected, partitions: t.partitions, config: sized),
            KafkaTopicSpec(name: t.tallies, partitions: t.partitions, config: compact),
            KafkaTopicSpec(name: t.changelog, partitions: t.partitions, config: compact),
            KafkaTopicSpec(name: t.codingReview, partitions: t.partitions, config: compact),
        ]
    }

    /// Creates every pipeline topic that does not exist yet; existing topics are left as they are.
    /// - Parameters:
    ///   - configuration: the brokers and the topics to create (``pipelineTopics(_:)``).
    ///   - logger: for the admin client's messages and the "topics ready" line.
    /// - Throws: `KafkaError` when the brokers cannot be reached or refuse a topic.
    public static func ensure(_ configuration: WorkerConfiguration, logger: Logger) async throws {
        let admin = try KafkaAdmin(configuration: configuration.adminConfiguration(), logger: logger)
        let specs = pipelineTopics(configuration)
        try await admin.createTopics(specs)
        logger.info("topics ready", metadata: ["topics": "\(specs.map(\.name))"])
    }

    /// The partition counts of `topics`, for checks such as co-partitioning.
    /// - Parameters:
    ///   - topics: topic names to describe.
    ///   - configuration: the brokers to ask.
    ///   - logger: for the admin client's messages.
    /// - Returns: each topic's partition count.
    /// - Throws: `KafkaError` when a topic does not exist or the brokers cannot be reached.
    public static func partitionCounts(_ topics: [String], configuration: WorkerConfiguration, logger: Logger) async throws -> [String: Int] {
        let admin = try KafkaAdmin(configuration: configuration.adminConfiguration(), logger: logger)
        var counts: [String: Int] = [:]
        for topic in topics { counts[topic] = try await admin.describeTopic(topic).partitions.count }
        return counts
    }
}
