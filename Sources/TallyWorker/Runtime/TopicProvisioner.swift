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
    /// Brokers out of reach are tried again for up to the configuration's `startupTimeout`.
    /// - Parameters:
    ///   - configuration: the brokers and the topics to create (``pipelineTopics(_:)``).
    ///   - logger: for the admin client's messages, each retry and the "topics ready" line.
    /// - Throws: `KafkaError` when the brokers stay out of reach past the start-up bound or refuse a topic.
    public static func ensure(_ configuration: WorkerConfiguration, logger: Logger) async throws {
        let admin = try KafkaAdmin(configuration: configuration.adminConfiguration(), logger: logger)
        let specs = pipelineTopics(configuration)
        try await retryingUnreachableBrokers("creating the pipeline's topics", configuration: configuration, logger: logger) {
            try await admin.createTopics(specs)
        }
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
        for topic in topics {
            counts[topic] = try await retryingUnreachableBrokers("describing \(topic)", configuration: configuration, logger: logger) {
                try await admin.describeTopic(topic).partitions.count
            }
        }
        return counts
    }

    /// Runs `attempt` again while it fails because the brokers are out of reach (a transport
    /// failure, no broker up, a timeout: a broker still starting, a cluster name its DNS does not
    /// answer yet), pausing 1, 2, 4 … up to 10 s and logging each retry, until `configuration`'s
    /// `startupTimeout` has passed since the first attempt. Other errors are thrown at once.
    /// - Parameters:
    ///   - what: the step, as the retry's log line names it.
    ///   - configuration: supplies `startupTimeout`.
    ///   - logger: for one warning a retry.
    ///   - attempt: the step; its client keeps reconnecting between attempts.
    /// - Returns: what `attempt` returns.
    /// - Throws: the last error once the bound has passed, or an error retrying cannot mend.
    static func retryingUnreachableBrokers<T>(
        _ what: String,
        configuration: WorkerConfiguration,
        logger: Logger,
        _ attempt: () async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.startupTimeout
        var pause = Duration.seconds(1)
        var attempts = 1
        while true {
            do {
                return try await attempt()
            } catch let error as KafkaError where isUnreachable(error) && clock.now + pause < deadline {
                logger.warning(
                    "brokers not reachable yet; retrying",
                    metadata: [
                        "step": "\(what)", "attempt": "\(attempts)", "error": "\(error)", "retry_in": "\(pause)",
                        "startup_timeout": "\(configuration.startupTimeout)",
                    ]
                )
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(10))
                attempts += 1
            }
        }
    }

    /// True for the failures a broker coming up (or its name becoming resolvable) mends.
    private static func isUnreachable(_ error: KafkaError) -> Bool {
        [.transport, .allBrokersDown, .timedOut].contains(error.code) || (error.isRetriable && !error.isFatal)
    }
}
