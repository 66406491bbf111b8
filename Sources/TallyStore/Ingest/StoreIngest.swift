import FieldTallyKafka
import Foundation
import Logging
import SurveyEngine
import TallyWorker

/// Turns batches of `survey.tallies` and `survey.rejected` records into ``StoreChanges``: the
/// merge of `tally tallies` (``PartialTallySet``: the newest partial per partition), one series
/// row per change, the current tallies' rows, the dead letters, and the offsets after the batch.
///
/// A change is a partial that ``PartialTallySet/offer(_:)`` accepts: its snapshot sequence is
/// newer than the one held for its partition. Each such partial changes the merged document (at
/// least the partition's sequence, and with it the counts of what that partition received). A
/// re-publication of a snapshot (same sequence, as an aggregator restarting may send) or an
/// older one changes nothing and adds no row. So the series has one row per published snapshot,
/// in the order the store read them, however the records were batched or re-read after a crash.
public struct StoreIngest: Sendable {
    private let plan: TallyPlan
    private let frame: Frame
    private let topics: WorkerConfiguration.Topics
    /// The newest partial per tally partition.
    public private(set) var partials: PartialTallySet
    /// The number of the last change.
    public private(set) var lastChange: Int64
    /// The next offset per `survey.tallies` partition.
    private var talliesOffsets: [Int: Int64] = [:]

    /// Resumes from `state` (an empty store's state for a new store).
    /// - Parameters:
    ///   - survey: the survey whose tallies are stored (other forms' partials are skipped).
    ///   - topics: the tallies and dead-letter topics' names.
    ///   - state: what the store holds.
    /// - Throws: `TallyError` when a stored partial belongs to another form.
    public init(survey: SurveyDefinition, topics: WorkerConfiguration.Topics, state: StoreState) throws {
        plan = survey.plan
        frame = survey.frame
        self.topics = topics
        partials = PartialTallySet(formId: survey.plan.formId)
        for partial in state.partials { try partials.offer(partial) }
        lastChange = state.lastChange
        for offset in state.offsets where offset.topic == topics.tallies { talliesOffsets[offset.partition] = offset.offset }
    }

    /// The changes `batch` makes, in record order.
    /// - Parameter logger: where skipped records are reported.
    public mutating func ingest(_ batch: KafkaBatch, logger: Logger) -> StoreChanges {
        var changes = StoreChanges()
        var latestDocument: TallyDocument?
        var changedPartials: [Int: PartialTally] = [:]
        let prefix = plan.formId + "/"
        for record in batch.records {
            if record.topic == topics.rejected {
                changes.deadLetters.append(StoredDeadLetter(record: record))
                continue
            }
            guard record.topic == topics.tallies else { continue }
            talliesOffsets[record.partition] = record.offset + 1
            guard let key = record.keyString, key.hasPrefix(prefix), let value = record.value else {
                changes.skipped += 1
                continue
            }
            let partial: PartialTally
            do {
                partial = try PartialTally(decoding: Data(value))
                guard try partials.offer(partial) else { continue }
            } catch {
                changes.skipped += 1
                logger.warning(
                    "skipping an unreadable partial tally",
                    metadata: [
                        "key": "\(key)", "partition": "\(record.partition)", "offset": "\(record.offset)", "error": "\(error)",
                    ]
                )
                continue
            }
            if let partition = partial.partitions.keys.first { changedPartials[partition] = partial }
            let merged = partials.merged()
            let document = TallyDocument(merged: merged, plan: plan, frame: frame, options: .init(provisional: true, asOf: merged.asOf))
            lastChange += 1
            changes.series.append(
                TallyChange(
                    change: lastChange,
                    formId: plan.formId,
                    asOf: merged.asOf,
                    sequences: merged.partitions,
                    offsets: talliesOffsets,
                    document: document.json()
                )
            )
            latestDocument = document
        }
        changes.currentTallies = latestDocument.map(TallyTableCSV.rows(of:))
        changes.partials = changedPartials.sorted { $0.key < $1.key }.map(\.value)
        changes.offsets = batch.nextOffsets
        return changes
    }
}
