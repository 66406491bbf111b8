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
        _ = try await reader.readToEnd(topic: configuration.topics.tallies) { batch in _ = offer(batch, to: &set) }
        return set
    }

    /// Reads the partials published so far and keeps reading new ones until the calling task is
    /// cancelled (then it returns) or `body` throws; records are skipped as by ``read()``.
    ///
    /// - Parameter body: Receives the set after every batch that changed it, and once more, with
    ///   the tallies topic's partition count, when the partials published before the start have
    ///   all been read (the count is `nil` until then).
    /// - Throws: `KafkaError` when the topic cannot be read; or what `body` throws.
    public func follow(_ body: (_ partials: PartialTallySet, _ partitionCount: Int?) async throws -> Void) async throws {
        var set = PartialTallySet(formId: formId)
        var partitionCount: Int?
        let reader = KafkaTopicReader(configuration: configuration.readerConfiguration(), logger: logger)
        try await reader.follow(topic: configuration.topics.tallies) { event in
            switch event {
            case .caughtUp(let partitions):
                partitionCount = partitions.count
                try await body(set, partitionCount)
            case .batch(let batch):
                if offer(batch, to: &set) { try await body(set, partitionCount) }
            }
        }
    }

    /// Offers the batch's partials of the form to `set`; returns whether any was new.
    private func offer(_ batch: KafkaBatch, to set: inout PartialTallySet) -> Bool {
        let prefix = formId + "/"
        var changed = false
        for record in batch.records {
            guard let key = record.keyString, key.hasPrefix(prefix), let value = record.value else { continue }
            do {
                changed = try set.offer(PartialTally(decoding: Data(value))) || changed
            } catch {
                logger.warning("skipping an unreadable partial tally", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
        return changed
    }
}
