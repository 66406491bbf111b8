import FieldTallyKafka
import Logging

/// Reads the coding review queue: the `survey.coding-review` topic to its end, keeping the latest
/// record per key (a tombstone removes the key), as compaction would leave it.
public struct CodingReviewReader: Sendable {
    private let configuration: WorkerConfiguration
    private let logger: Logger

    /// Creates a reader; nothing is read until ``read()``.
    /// - Parameters:
    ///   - configuration: the brokers, `--kafka-property` settings and review topic (`topics.codingReview`)
    ///     to read; the reader joins no consumer group and commits nothing.
    ///   - logger: receives a warning for each record that does not decode as a review record.
    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The queue's records, sorted by key (respondent, then field).
    /// - Throws: `KafkaError` when the topic cannot be read.
    public func read() async throws -> [CodingReviewRecord] {
        let reader = KafkaTopicReader(configuration: configuration.readerConfiguration(), logger: logger)
        var latest: [String: CodingReviewRecord] = [:]
        _ = try await reader.readToEnd(topic: configuration.topics.codingReview) { batch in
            for record in batch.records {
                guard let key = record.keyString else { continue }
                guard let value = record.value else {
                    latest[key] = nil
                    continue
                }
                do {
                    latest[key] = try CodingReviewRecord(bytes: value)
                } catch {
                    logger.warning(
                        "skipping a record that is not a coding review record",
                        metadata: ["partition": "\(record.partition)", "offset": "\(record.offset)", "problem": "\(error)"]
                    )
                }
            }
        }
        return latest.keys.sorted().map { latest[$0]! }
    }
}
