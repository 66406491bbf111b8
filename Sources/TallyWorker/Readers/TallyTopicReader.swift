import FieldTallyKafka
import Foundation
import Logging
import SurveyEngine

/// Reads the tallies topic once to its end and merges the newest partial of every partition:
/// what `tally tallies`, `tally watch`, the dashboard and the store show.
public struct TallyTopicReader: Sendable {
    private let configuration: WorkerConfiguration
    private let formId: String
    private let logger: Logger

    /// Creates a reader for one form's partials; nothing is read until ``read()``.
    /// - Parameters:
    ///   - configuration: the brokers, `--kafka-property` settings and tallies topic (`topics.tallies`)
    ///     to read; the reader joins no consumer group and commits nothing.
    ///   - formId: the form whose partials are kept: records keyed `<formId>/<partition>`. Records of
    ///     other forms are skipped silently.
    ///   - logger: receives a warning for each record of the form that does not decode as a partial tally.
    public init(configuration: WorkerConfiguration, formId: String, logger: Logger) {
        self.configuration = configuration
        self.formId = formId
        self.logger = logger
    }

    /// The newest partial of each partition of the form, as published so far.
    /// Records of other forms or that are not partial tallies are skipped (and logged).
    /// - Throws: `KafkaError` when the topic cannot be read.
    public func read() async throws -> PartialTallySet {
        var set = PartialTallySet(formId: formId)
        let reader = KafkaTopicReader(configuration: configuration.readerConfiguration(), logger: logger)
        let prefix = formId + "/"
        _ = try await reader.readToEnd(topic: configuration.topics.tallies) { batch in
            for record in batch.records {
                guard let key = record.keyString, key.hasPrefix(prefix), let value = record.value else { continue }
                do {
                    try set.offer(PartialTally(decoding: Data(value)))
                } catch {
                    logger.warning("skipping an unreadable partial tally", metadata: ["key": "\(key)", "error": "\(error)"])
                }
            }
        }
        return set
    }
}
