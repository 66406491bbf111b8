import FieldTallyKafka
import Foundation
import Logging
import SurveyEngine
import Synchronization

/// `tally-aggregate`: reads `survey.coded` and `survey.rejected` (co-partitioned), keeps one
/// `Aggregator` per partition, writes each changed respondent's state to the compacted
/// `survey.aggregate-changelog` (explicitly to the input's partition) before the input offsets are
/// stored, dead-letters duplicates, stale edits and conflicts, and publishes a debounced partial
/// tally per partition to `survey.tallies` (key `<form_id>/<partition>`).
///
/// It also keeps the compacted `survey.coding-review` topic: when a version becomes a
/// respondent's head, each of its coded fields with texts `tally-code` could not settle (the coded
/// record's `coding.review`) gets a record (key `respondent_id|field`) holding them, and each field
/// in which the replaced head had such texts and the new one has none gets a tombstone, so the
/// topic holds the review items of head versions only: a rejected duplicate or stale edit leaves
/// no item, and an edit or a replay with a newer codebook removes what it settles. (The replaced
/// head's fields are known from its changelog record; a replay, which counts into an empty
/// changelog of its own, writes a tombstone for every field without texts.)
///
/// Exactly-once tallies under at-least-once delivery: each message changes exactly one changelog
/// record, which remembers the message's source position; a message delivered again (after any
/// worker's crash) is recognised and changes nothing. State is restored from the changelog
/// before a newly assigned partition's first record is processed.
public final class AggregateProcessor: RecordProcessor {
    private let plan: TallyPlan
    private let frame: Frame
    private let validator: Validator
    private let configuration: WorkerConfiguration
    private let deadLetters: DeadLetters
    private let logger: Logger
    private let writer = JSONWriter()
    private let debounce: Duration
    /// An empty aggregator of the plan and frame, for `prepare` (which reads no state).
    private let preparer: Aggregator

    private struct PartitionState: Sendable {
        var aggregator: Aggregator
        /// The newest snapshot whose changelog writes were acknowledged, and whether it is published.
        var durable: PartialTally?
        var published = false
        var lastPublished = ContinuousClock.now - .seconds(3_600)
    }

    private let partitions = Mutex<[Int: PartitionState]>([:])

    /// Reads the changelog records of the given partitions (key, value, partition), in order per
    /// partition, handing them to its second argument batch by batch as they arrive.
    public typealias ChangelogLoader =
        @Sendable (Set<Int>, _ body: ([(partition: Int, record: ChangelogRecord)]) async throws -> Void) async throws -> Void
    private let loadChangelog: ChangelogLoader
    private let tombstoneEveryField: Bool

    public var inputTopics: [String] { [configuration.topics.coded, configuration.topics.rejected] }

    /// Creates the aggregate stage for one form.
    ///
    /// Nothing is read here: partition state is restored by ``prepare(_:)`` when partitions are assigned.
    ///
    /// - Parameters:
    ///   - plan: the compiled tally plan (form id, questions, breakdowns) every partition's aggregator counts with.
    ///   - frame: the population frame (every unit that may respond, with its region) the aggregators count against.
    ///   - validator: revalidates each coded record's submission, so a record that no longer meets the
    ///     survey definition is counted as invalid and dead-lettered rather than tallied.
    ///   - configuration: topic names, the worker name (to recognise this stage's own dead letters)
    ///     and the dead-letter size limit.
    ///   - logger: receives restore progress and skipped records.
    ///   - debounce: least time between two partials of one partition. Default: 25 ms (at most 40
    ///     partials per second per partition; half of it is the mean latency it adds).
    ///   - loadChangelog: where state is restored from. Default: the changelog topic, read to its end.
    ///   - tombstoneEveryField: write a coding-review tombstone for every coded field without texts to
    ///     review of each new head, not only for those in which the replaced head had some: for a
    ///     replay, whose empty changelog does not know what the live queue holds. Default: false.
    public init(
        plan: TallyPlan,
        frame: Frame,
        validator: Validator,
        configuration: WorkerConfiguration,
        logger: Logger,
        debounce: Duration = .milliseconds(25),
        loadChangelog: ChangelogLoader? = nil,
        tombstoneEveryField: Bool = false
    ) {
        self.loadChangelog = loadChangelog ?? Self.kafkaChangelogLoader(configuration: configuration, logger: logger)
        self.tombstoneEveryField = tombstoneEveryField
        self.plan = plan
        self.frame = frame
        self.validator = validator
        self.configuration = configuration
        self.deadLetters = DeadLetters(configuration: configuration)
        self.logger = logger
        self.debounce = debounce
        self.preparer = Aggregator(plan: plan, frame: frame)
    }

    /// Restores the aggregator state of newly assigned partitions from the changelog.
    ///
    /// Partitions already held are left as they are, so a rebalance that keeps a partition does not
    /// reload it. Each restored partition starts with its restored snapshot as durable but unpublished.
    /// - Parameter assigned: the partitions just assigned; only their partition numbers are used, since
    ///   the coded, dead-letter and changelog topics are co-partitioned.
    /// - Throws: whatever `loadChangelog` throws, or the aggregator's `TallyError` for a changelog record it
    ///   cannot restore; no partition is installed then, and the worker fails rather than count from empty state.
    public func prepare(_ assigned: [KafkaTopicPartition]) async throws {
        let wanted = Set(assigned.map(\.partition)).subtracting(partitions.withLock { Set($0.keys) })
        guard !wanted.isEmpty else { return }
        var restored: [Int: Aggregator] = [:]
        for p in wanted { restored[p] = Aggregator(plan: plan, frame: frame, partition: p) }
        let started = ContinuousClock.now
        let decoder = preparer
        var count = 0
        // Each batch is decoded on every core as it arrives (the next one is fetched meanwhile)
        // and loaded in order; no record is held once loaded.
        try await loadChangelog(wanted) { batch in
            let decoded = await batch.concurrentMap { item in
                (item.partition, Result { () throws(TallyError) in try decoder.decode(item.record) })
            }
            for (partition, record) in decoded where wanted.contains(partition) {
                try restored[partition]!.restore(record.get())
                count += 1
            }
        }
        partitions.withLock { held in
            for (p, aggregator) in restored {
                let snapshot = aggregator.snapshot()
                held[p] = PartitionState(aggregator: aggregator, durable: snapshot)
            }
        }
        logger.info(
            "restored state from the changelog",
            metadata: [
                "partitions": "\(wanted.sorted())", "records": "\(count)", "seconds": "\((ContinuousClock.now - started).seconds)",
            ]
        )
    }

    /// Reads the wanted partitions of the changelog topic to their end.
    static func kafkaChangelogLoader(configuration: WorkerConfiguration, logger: Logger) -> ChangelogLoader {
        { wanted, body in
            let reader = KafkaTopicReader(configuration: configuration.readerConfiguration(), logger: logger)
            _ = try await reader.readToEnd(topic: configuration.topics.changelog, partitions: wanted) { batch in
                var records: [(partition: Int, record: ChangelogRecord)] = []
                records.reserveCapacity(batch.records.count)
                for record in batch.records {
                    guard let key = record.keyString, let value = record.value else { continue }
                    records.append((record.partition, ChangelogRecord(key: key, value: Data(value))))
                }
                try await body(records)
            }
        }
    }

    /// Drops the aggregators of revoked partitions, including snapshots not yet published.
    ///
    /// The next owner restores them from the changelog, so nothing is lost that was durable.
    /// - Parameter revoked: the partitions being taken away from this instance.
    public func release(_ revoked: [KafkaTopicPartition]) {
        partitions.withLock { held in
            for tp in revoked { held[tp.partition] = nil }
        }
    }

    /// Applies a batch of coded records and upstream dead letters to the partitions' aggregators.
    ///
    /// Records are decoded and validated concurrently, then applied serially in input order. Each touched
    /// partition's changelog entries are produced to that same partition, and its snapshot becomes
    /// publishable only once the whole batch is acknowledged (through `onDelivered`).
    /// - Parameter records: records of the coded and dead-letter topics, in consumption order. Every
    ///   partition they come from must have been prepared.
    /// - Returns: two phases, dead letters (duplicates, stale edits, conflicts, invalid records) with the
    ///   coding-review records of new head versions, and then changelog writes, so a state change is
    ///   never durable before its dead letter or review records.
    /// - Throws: `WorkerError` when a record's partition was not prepared; bad input never throws.
    public func process(_ records: [KafkaRecord]) async throws -> BatchOutput {
        let topics = configuration.topics
        var letters: [KafkaProducerRecord] = []
        var review: [KafkaProducerRecord] = []
        var changelog: [KafkaProducerRecord] = []
        var reasons: [String: Int] = [:]
        var snapshots: [Int: PartialTally] = [:]
        // Decoding, validating and preparing are independent per record: done on every core
        // first (each parsed document freed where it was made); applying, in input order, is serial.
        let intakes = await records.concurrentMap { self.intake($0) }
        try partitions.withLock { (held: inout [Int: PartitionState]) throws in
            var touched: Set<Int> = []
            for (record, intake) in zip(records, intakes) {
                // Taken out while it changes, so its aggregator's storage is uniquely referenced: with a copy
                // left in `held`, each mutation would copy the partition's whole respondent table.
                guard var state = held.removeValue(forKey: record.partition) else {
                    throw WorkerError("partition \(record.partition) was not prepared before its records arrived")
                }
                if case .deadLetter(let letter) = intake {
                    countUpstream(letter, of: record, in: &state.aggregator)
                } else if let letter = apply(intake, of: record, to: &state.aggregator, review: &review) {
                    letters.append(letter.record)
                    reasons[letter.reason, default: 0] += 1
                }
                held[record.partition] = state
                touched.insert(record.partition)
            }
            for p in touched.sorted() {
                for entry in held[p]!.aggregator.takeChangelog() {
                    changelog.append(
                        KafkaProducerRecord(
                            topic: topics.changelog,
                            key: Array(entry.key.utf8),
                            value: Array(entry.value),
                            partition: p
                        )
                    )
                }
                snapshots[p] = held[p]!.aggregator.snapshot()
            }
        }
        // Dead letters and review records first: a message whose state change is durable must already
        // have them (a message delivered again after a crash is recognised and makes neither again).
        return BatchOutput(
            phases: [letters + review, changelog],
            rejectedByReason: reasons,
            outputCount: changelog.count + review.count,
            onDelivered: { [self, snapshots] in markDurable(snapshots) }
        )
    }

    /// Once a batch's changelog writes are acknowledged, its snapshots may be published.
    /// Deliveries complete in batch order, so each replaces an older durable snapshot.
    private func markDurable(_ snapshots: [Int: PartialTally]) {
        partitions.withLock { held in
            for (p, snapshot) in snapshots where held[p] != nil {
                held[p]!.durable = snapshot
                held[p]!.published = false
            }
        }
    }

    public func periodicOutput() async -> [KafkaProducerRecord] {
        let now = ContinuousClock.now
        let asOf = Date().formatted(.iso8601)
        return partitions.withLock { held in
            var out: [KafkaProducerRecord] = []
            for p in held.keys.sorted() {
                guard let durable = held[p]!.durable, !held[p]!.published, now - held[p]!.lastPublished >= debounce else { continue }
                var partial = durable
                partial.asOf = asOf
                out.append(
                    KafkaProducerRecord(
                        topic: configuration.topics.tallies,
                        key: Array("\(plan.formId)/\(p)".utf8),
                        value: Array(partial.encoded())
                    )
                )
                held[p]!.published = true
                held[p]!.lastPublished = now
            }
            return out
        }
    }

    /// A record taken in before it meets an aggregator: decoded, validated and prepared.
    private enum Intake: Sendable {
        /// A record of the coded topic that is not a coded record (someone else wrote it).
        case notCoded(SurveyDefinitionError)
        /// A coded record whose submission no longer validates, with the submission's bytes.
        case invalid(KafkaTopicPartitionOffset, InputPosition, Rejection, submission: [UInt8])
        case prepared(KafkaTopicPartitionOffset, InputPosition, PreparedSubmission, CodingResult)
        /// A record of the dead-letter topic, `nil` when it is not a dead letter.
        case deadLetter(DeadLetter?)
    }

    /// Takes in one record; needs no aggregator state, so records are taken in on any core.
    private func intake(_ record: KafkaRecord) -> Intake {
        guard record.topic == configuration.topics.coded else {
            guard let value = record.value else { return .deadLetter(nil) }
            return .deadLetter(DeadLetter.withoutValue(value))
        }
        let bytes = record.value ?? []
        let decoded: CodedRecord
        do {
            decoded = try CodedRecord(bytes: bytes, parser: validator.parser, readsEvidence: false)
        } catch {
            return .notCoded(error)
        }
        let position = InputPosition(stream: "\(decoded.source.topic)/\(decoded.source.partition)", offset: decoded.source.offset)
        switch validator.validate(document: decoded.submission) {
        case .rejected(let rejection):
            return .invalid(decoded.source, position, rejection, submission: submissionBytes(of: decoded, in: bytes))
        case .valid(let submission):
            let coded = CodedSubmission(submission: submission, coding: decoded.coding)
            return .prepared(decoded.source, position, preparer.prepare(coded), decoded.coding)
        }
    }

    /// The submission as submitted, byte for byte (what a dead letter holds).
    private func submissionBytes(of decoded: CodedRecord, in bytes: [UInt8]) -> [UInt8] {
        decoded.originalSubmissionBytes(in: bytes, parser: validator.parser) ?? writer.bytes(decoded.submission)
    }

    /// Applies one coded record's intake; returns the dead letter to write, if any, and appends the
    /// coding-review records of a version that became the head to `review`.
    private func apply(
        _ intake: Intake,
        of record: KafkaRecord,
        to aggregator: inout Aggregator,
        review: inout [KafkaProducerRecord]
    ) -> (record: KafkaProducerRecord, reason: String)? {
        switch intake {
        case .notCoded(let error):
            // Not a coded record (someone else wrote to the topic): counted as invalid and dead-lettered.
            let source = KafkaTopicPartitionOffset(of: record)
            let rejection = Rejection(reason: .invalid, problems: [Problem(pointer: "", code: .invalidJSON, message: error.message)])
            let outcome = aggregator.recordUpstreamRejection(
                rejection,
                at: InputPosition(stream: "raw:\(record.topic)/\(record.partition)", offset: record.offset)
            )
            guard case .rejected = outcome else { return nil }
            return (deadLetters.record(for: rejection, input: record, source: source), rejection.reason.rawValue)
        case .invalid(let source, let position, let rejection, let submission):
            let outcome = aggregator.recordUpstreamRejection(rejection, at: position)
            guard case .rejected = outcome else { return nil }
            return (deadLetters.record(for: rejection, input: record, source: source, value: submission), rejection.reason.rawValue)
        case .prepared(let source, let position, let prepared, let coding):
            let (respondentID, instanceID) = (prepared.respondentId, prepared.instanceId)
            // What the head has in review before this version may replace it: those fields need a tombstone if now settled.
            let replacedReview = tombstoneEveryField || coding.fields.isEmpty ? nil : aggregator.headCodingReview(of: respondentID)
            let outcome = aggregator.apply(prepared, at: position)
            if outcome.isAccepted {
                review += reviewRecords(
                    respondentID: respondentID,
                    instanceID: instanceID,
                    source: source,
                    coding: coding,
                    replacedReview: replacedReview
                )
            }
            guard case .rejected(let rejection, let detail) = outcome else { return nil }
            // Rare (duplicates, stale edits, conflicts): the record is decoded again for the original bytes.
            let bytes = record.value ?? []
            let submission = (try? CodedRecord(bytes: bytes, parser: validator.parser)).map { submissionBytes(of: $0, in: bytes) } ?? bytes
            return (
                deadLetters.record(for: rejection, detail: detail, input: record, source: source, value: submission),
                rejection.reason.rawValue
            )
        case .deadLetter:
            return nil
        }
    }

    /// The coding-review records of a version that became its respondent's head: per coded field of
    /// its coding (every field the codebook declares) with items, the field's items; a tombstone for
    /// each other field in which the replaced head had items (every other field with
    /// `tombstoneEveryField`).
    private func reviewRecords(
        respondentID: String,
        instanceID: String,
        source: KafkaTopicPartitionOffset,
        coding: CodingResult,
        replacedReview: [String: Int]?
    ) -> [KafkaProducerRecord] {
        var byField: [String: [ReviewItem]] = [:]
        for item in coding.review { byField[item.field, default: []].append(item) }
        let fields = coding.fields.keys.filter { field in
            byField[field] != nil || tombstoneEveryField || replacedReview?[field] != nil
        }
        return fields.sorted().map { field in
            let key = Array(CodingReviewRecord.key(respondentID: respondentID, field: field).utf8)
            let value = byField[field].map { items in
                CodingReviewRecord(
                    respondentID: respondentID,
                    field: field,
                    instanceID: instanceID,
                    codebookVersion: coding.codebookVersion,
                    position: source.text,
                    items: items
                ).encoded()
            }
            return KafkaProducerRecord(topic: configuration.topics.codingReview, key: key, value: value)
        }
    }

    /// Counts a dead letter written by an earlier stage (its own are already counted).
    private func countUpstream(_ letter: DeadLetter?, of record: KafkaRecord, in aggregator: inout Aggregator) {
        guard let letter else {
            logger.warning(
                "skipping a record of the dead-letter topic that is not a dead letter",
                metadata: ["partition": "\(record.partition)", "offset": "\(record.offset)"]
            )
            return
        }
        // Aggregators' own dead letters (this one's, or a replay's) are already counted in respondent records.
        guard letter.worker != configuration.workerName, !letter.worker.hasPrefix("tally-aggregate"),
            let rejection = letter.rejection
        else { return }
        let position = InputPosition(stream: "\(letter.worker):\(letter.source.topic)/\(letter.source.partition)", offset: letter.source.offset)
        aggregator.recordUpstreamRejection(rejection, at: position)
    }
}

extension SurveyDefinitionError {
    var message: String { description }
}

extension AggregateProcessor {
    /// The aggregator needs partition p of the coded and dead-letter topics on one instance:
    /// the range assignor gives that when both have the same partition count.
    /// - Parameter configuration: the consumer configuration; its assignment strategy is set to `range` only.
    public func tuneConsumer(_ configuration: inout KafkaConsumerConfiguration) {
        configuration.group.assignmentStrategies = ["range"]
    }

    /// Checks that the coded, dead-letter and changelog topics have the same partition count.
    /// - Throws: `WorkerError` naming the counts, with what to do about it.
    /// - Parameter logger: for the admin connection used to read the partition counts.
    public func checkTopics(logger: Logger) async throws {
        let t = configuration.topics
        let counts = try await TopicProvisioner.partitionCounts([t.coded, t.rejected, t.changelog], configuration: configuration, logger: logger)
        guard Set(counts.values).count == 1 else {
            throw WorkerError(
                "tally-aggregate needs \(t.coded), \(t.rejected) and \(t.changelog) to have the same number of partitions; they have \(counts.sorted { $0.key < $1.key }). Recreate them with one count (tally topics create --partitions N)."
            )
        }
    }
}
