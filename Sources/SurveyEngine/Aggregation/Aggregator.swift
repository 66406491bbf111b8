import Foundation

/// The exact rolling tally of one input partition: per-respondent state for the respondents of
/// that partition (a respondent always maps to one partition) and the partition's partial tally.
///
/// Rules (DESIGN.md; `expected.json` → `definitions.order_of_checks`), applied after validation:
/// frame → instance id (an identical re-send of any accepted version is a no-op; the same
/// instance id with other content is `instance_conflict`) → deprecated id (an edit must name the
/// current head, else `stale_edit`; an edit with no head is stale too) → a fresh submission for
/// a respondent with a head is `duplicate_respondent`. An accepted edit retracts the old head's
/// contribution and counts the new one.
///
/// Durability (exactly-once tallies from at-least-once delivery): for each batch, apply the
/// messages with their `InputPosition`, produce the dead letters of `.rejected` outcomes, then
/// write `takeChangelog()` to the compacted changelog, then publish `snapshot(asOf:)`, and
/// commit the input offsets only after all of these are acknowledged. On start, `restore(_:)`
/// every changelog record of the partition (any order of keys; a later record of a key wins):
/// the partial tally is rebuilt exactly, and replayed messages whose offsets the records
/// already reflect return `.alreadyApplied` and change nothing. Each message changes exactly
/// one record (its respondent's, or the partition's paradata record), so a crash after any
/// subset of a batch's changelog writes still recovers exactly. Count only upstream rejections
/// with `recordUpstreamRejection`, never the aggregator's own dead letters read back.
public struct Aggregator: Sendable {
    /// What is tallied.
    public let plan: TallyPlan
    /// The population frame (regions; respondents outside it are rejected).
    public let frame: Frame
    /// The input partition this aggregator owns.
    public let partition: Int

    private var states: [String: RespondentState] = [:]
    private var partitionRecord: PartitionParadata
    private var tally: PartialTally
    private var dirtyRespondents: Set<String> = []
    private let fieldOrder: ChangelogJSON.FieldOrder
    /// `dirtyRespondents` in the order they were first changed since the last `takeChangelog()`.
    private var dirtyOrder: [String] = []
    private var paradataDirty = false

    /// An empty aggregator for `partition` (default 0, e.g. for offline runs).
    public init(plan: TallyPlan, frame: Frame, partition: Int = 0) {
        self.plan = plan
        self.frame = frame
        self.partition = partition
        self.partitionRecord = PartitionParadata(partition: partition)
        self.tally = PartialTally(formId: plan.formId, partitions: [partition: 0])
        self.fieldOrder = ChangelogJSON.FieldOrder(names: plan.fields.map(\.name))
    }

    // MARK: Applying messages

    /// Applies one validated, coded submission and returns what happened to it.
    ///
    /// - Parameter position: where the message was read; with it, a replayed message (offset at
    ///   or below the last one applied to the record it changes) returns `.alreadyApplied` and
    ///   changes nothing. Pass `nil` when there is no replay (offline runs).
    public mutating func apply(_ coded: CodedSubmission, at position: InputPosition? = nil) -> Outcome {
        apply(prepare(coded), at: position)
    }

    /// What `apply` reads from a coded submission, worked out without touching the aggregator's
    /// state: a worker prepares a batch's submissions on every core (each submission's parsed
    /// document is then freed on the thread that made it), then applies them in order.
    public func prepare(_ coded: CodedSubmission) -> PreparedSubmission {
        let submission = coded.submission
        let unit = frame.unit(submission.respondentId)
        return PreparedSubmission(
            respondentId: submission.respondentId, instanceId: submission.instanceId, deprecatedId: submission.deprecatedId,
            submittedDay: submission.submittedDay, inFrame: unit != nil, fingerprint: ContentFingerprint(of: submission),
            contribution: unit.map { Contribution(of: coded, plan: plan, region: $0.region) })
    }

    /// Applies one prepared submission (see `prepare(_:)`) and returns what happened to it; the
    /// same as applying the coded submission it was prepared from.
    public mutating func apply(_ submission: PreparedSubmission, at position: InputPosition? = nil) -> Outcome {
        guard submission.inFrame, let contribution = submission.contribution else {
            let rejection = Rejection(reason: .unknownRespondent, respondentId: submission.respondentId, instanceId: submission.instanceId)
            return recordInPartition(rejection, at: position,
                                     detail: "respondent_id '\(submission.respondentId)' is not in the population frame")
        }
        // The state is changed in place in the dictionary (one lookup, no copy of its version map).
        let outcome = Self.apply(submission, contribution, at: position, crosstabs: plan.crosstabs,
                                 to: &states[submission.respondentId, default: RespondentState(respondentId: submission.respondentId)],
                                 tally: &tally)
        if outcome != .alreadyApplied, dirtyRespondents.insert(submission.respondentId).inserted {
            dirtyOrder.append(submission.respondentId)
        }
        return outcome
    }

    /// The rules of `apply(_:at:)` for one respondent's state, counting into `tally`.
    private static func apply(_ submission: PreparedSubmission, _ contribution: Contribution, at position: InputPosition?,
                              crosstabs: [CrossTabPlan], to state: inout RespondentState, tally: inout PartialTally) -> Outcome {
        if state.hasApplied(position) { return .alreadyApplied }

        let fingerprint = submission.fingerprint
        let outcome: Outcome
        if let seen = state.versions[submission.instanceId] {
            outcome = seen == fingerprint
                ? .noop
                : reject(.instanceConflict, submission,
                         "instance_id '\(submission.instanceId)' was already accepted with other content; a changed answer needs a new instance_id and deprecated_id naming the head")
        } else if let deprecated = submission.deprecatedId {
            if let head = state.headInstanceId, deprecated == head {
                outcome = .acceptedEdit(replaced: head)
            } else {
                let head = state.headInstanceId.map { "the current head is '\($0)'" } ?? "the respondent has no accepted version"
                outcome = reject(.staleEdit, submission, "deprecated_id '\(deprecated)' does not name the current head: \(head)")
            }
        } else if let head = state.headInstanceId {
            outcome = reject(.duplicateRespondent, submission,
                             "respondent '\(submission.respondentId)' already has an accepted version ('\(head)'); send an edit naming it in deprecated_id")
        } else {
            outcome = .acceptedFirst
        }

        // Counted in the respondent's record and in the partition's tally alike.
        switch outcome {
        case .acceptedFirst, .acceptedEdit:
            if let old = state.contribution { tally.add(old, sign: -1, crosstabs: crosstabs) }
            tally.add(contribution, crosstabs: crosstabs)
            state.contribution = contribution
            state.headInstanceId = submission.instanceId
            state.versions[submission.instanceId] = fingerprint
            let edit = outcome != .acceptedFirst
            state.paradata.countAccepted(edit: edit, day: submission.submittedDay)
            tally.paradata.countAccepted(edit: edit, day: submission.submittedDay)
        case .noop:
            state.paradata.countNoop()
            tally.paradata.countNoop()
        case .rejected(let rejection, _):
            state.paradata.countRejection(rejection)
            tally.paradata.countRejection(rejection)
        case .alreadyApplied:
            break
        }
        if let position { state.applied[position.stream] = position.offset }
        return outcome
    }

    /// Counts a message rejected by an earlier stage (validator, coder) so the paradata account
    /// for every message. Counted in the partition's paradata record.
    /// - Returns: `.rejected(rejection, …)`, or `.alreadyApplied` for a replayed position.
    @discardableResult
    public mutating func recordUpstreamRejection(_ rejection: Rejection, at position: InputPosition? = nil) -> Outcome {
        let problems = rejection.problems.map { "\($0.pointer.isEmpty ? "(message)" : $0.pointer) \($0.code.rawValue): \($0.message)" }
        return recordInPartition(rejection, at: position,
                                 detail: problems.isEmpty ? "rejected before aggregation: \(rejection.reason.rawValue)" : problems.joined(separator: "; "))
    }

    private static func reject(_ reason: RejectionReason, _ submission: PreparedSubmission, _ detail: String) -> Outcome {
        .rejected(Rejection(reason: reason, respondentId: submission.respondentId, instanceId: submission.instanceId), detail: detail)
    }

    private mutating func recordInPartition(_ rejection: Rejection, at position: InputPosition?, detail: String) -> Outcome {
        if partitionRecord.hasApplied(position) { return .alreadyApplied }
        partitionRecord.paradata.countRejection(rejection)
        tally.paradata.countRejection(rejection)
        if let position { partitionRecord.applied[position.stream] = position.offset }
        paradataDirty = true
        return .rejected(rejection, detail: detail)
    }

    // MARK: Reading

    /// The partition's tally now; its sequence number is the number of messages counted, which
    /// only grows and survives restarts.
    public func snapshot(asOf: String? = nil) -> PartialTally {
        var partial = tally
        partial.partitions = [partition: UInt64(max(0, tally.paradata.received))]
        partial.asOf = asOf
        return partial
    }

    /// The state of `respondentId`, or `nil` when nothing was seen from it.
    public func state(of respondentId: String) -> RespondentState? { states[respondentId] }

    /// Every respondent state held.
    public var respondentStates: some Collection<RespondentState> { states.values }

    /// The partition's paradata record.
    public var paradataRecord: PartitionParadata { partitionRecord }

    // MARK: Changelog

    /// The records changed since the last call (respondents in the order they were first
    /// changed, then the partition paradata record), and forgets them. Write them to the changelog before committing input offsets.
    public mutating func takeChangelog() -> [ChangelogRecord] {
        var records = dirtyOrder.compactMap { id in states[id].map { ChangelogRecord($0, fieldOrder: fieldOrder) } }
        if paradataDirty { records.append(ChangelogRecord(partitionRecord)) }
        dirtyRespondents.removeAll(keepingCapacity: true)
        dirtyOrder.removeAll(keepingCapacity: true)
        paradataDirty = false
        return records
    }

    /// Every record (a compacted changelog's content), without changing what is pending.
    public func allChangelogRecords() -> [ChangelogRecord] {
        states.keys.sorted().compactMap { states[$0].map(ChangelogRecord.init) } + [ChangelogRecord(partitionRecord)]
    }

    /// Loads one changelog record, replacing what was held under its key (a later record of a
    /// key wins, as in a compacted topic), and updates the partial tally to match. Restored
    /// records are not pending for `takeChangelog()`.
    /// - Throws: `TallyError.undecodable` for bytes that are not a state record,
    ///   `.misplacedRecord` when the record names another respondent or partition than its key
    ///   and this aggregator.
    public mutating func restore(_ record: ChangelogRecord) throws(TallyError) {
        if record.isParadata {
            let restored: PartitionParadata = try Self.decode(record)
            guard restored.partition == partition, record.key == PartitionParadata.changelogKey(partition: partition) else {
                throw TallyError(.misplacedRecord, "changelog record '\(record.key)' holds partition \(restored.partition)'s paradata; this aggregator owns partition \(partition)")
            }
            tally.paradata.add(partitionRecord.paradata, sign: -1)
            tally.paradata.add(restored.paradata)
            partitionRecord = restored
        } else {
            let restored: RespondentState = try Self.decode(record)
            guard restored.respondentId == record.key else {
                throw TallyError(.misplacedRecord, "changelog record '\(record.key)' holds the state of respondent '\(restored.respondentId)'")
            }
            if let old = states[record.key] {
                tally.paradata.add(old.paradata, sign: -1)
                if let contribution = old.contribution { tally.add(contribution, sign: -1, crosstabs: plan.crosstabs) }
            }
            tally.paradata.add(restored.paradata)
            if let contribution = restored.contribution { tally.add(contribution, crosstabs: plan.crosstabs) }
            states[record.key] = restored
        }
    }

    private static func decode<T: Decodable>(_ record: ChangelogRecord) throws(TallyError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: record.value)
        } catch {
            throw TallyError(.undecodable, "changelog record '\(record.key)' is not a \(T.self): \(error)")
        }
    }
}
