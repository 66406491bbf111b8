import FieldTallyKafka
import Foundation
import Logging

/// Reads every dead letter in the dead-letter topic once, skipping re-sends of one rejection
/// (same worker and source position) that at-least-once delivery can write twice.
public struct DeadLetterReader: Sendable {
    private let configuration: WorkerConfiguration
    private let logger: Logger

    /// Creates a reader; nothing is read until ``read()``.
    /// - Parameters:
    ///   - configuration: the brokers, `--kafka-property` settings and dead-letter topic (`topics.rejected`)
    ///     to read; the reader joins no consumer group and commits nothing.
    ///   - logger: receives a warning for each record that does not decode as a dead letter.
    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The dead letters in topic order per partition, de-duplicated.
    /// - Throws: `KafkaError` when the topic cannot be read.
    public func read() async throws -> [DeadLetter] {
        let reader = KafkaTopicReader(configuration: configuration.readerConfiguration(), logger: logger)
        let decoder = JSONDecoder()
        var seen: Set<String> = []
        var letters: [DeadLetter] = []
        _ = try await reader.readToEnd(topic: configuration.topics.rejected) { batch in
            for record in batch.records {
                guard let value = record.value, let letter = try? decoder.decode(DeadLetter.self, from: Data(value)) else {
                    logger.warning(
                        "skipping a record that is not a dead letter",
                        metadata: ["partition": "\(record.partition)", "offset": "\(record.offset)"]
                    )
                    continue
                }
                if seen.insert(letter.identity).inserted { letters.append(letter) }
            }
        }
        return letters
    }
}
