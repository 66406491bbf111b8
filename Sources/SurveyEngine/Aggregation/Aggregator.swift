import Foundation

/// The exact rolling tally of one input partition: per-respondent state for the respondents of
/// that partition (a respondent always maps to one partition) and the partition's partial tally.
///
/// Rules (ARCHITECTURE.md; `expected.json` → `definitions.order_of_checks`), applied after validation:
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

    /// Every respondent's record, in the order first seen.
    private var entries = SegmentedArray<Entry>()
    /// Positions in `entries` by frame unit position (-1 for none); made on first use. A flat
    /// array (4 bytes a unit): finding a respondent's record needs no hashing of its id.
    private var entryOfUnit: [Int32] = []
    /// Positions in `entries` of respondents outside the frame (restored from a changelog).
    private var entryOfOutsider: [String: Int] = [:]
    private var partitionRecord: PartitionParadata
    /// The partition's paradata: what happened to its messages.
    private var paradata = ParadataCounts()
    /// The head versions' contributions, counted by plan position.
    private var counts: IndexedTally
    /// A layout other than `counts.layout` found to match it (a batch may be prepared by another
    /// aggregator of the same plan and frame).
    private var matchingLayout: PlanLayout?
    /// Positions in `entries` of the records changed since the last `takeChangelog()`, in the
    /// order they were first changed.
    private var dirtyOrder: [Int] = []
    private var paradataDirty = false

    /// One respondent's record, and what its head version counts, held apart from it
    /// (`state.contribution` stays `nil`).
    private struct Entry: Sendable {
        /// The record without its contribution.
        var state: RespondentState
        /// What the head version counts, or `nil` without a head.
        var counted: CountedContribution?
        /// Whether it changed since the last `takeChangelog()`.
        var isDirty = false

        /// The record with its contribution.
        var fullState: RespondentState {
            var full = state
            full.contribution = counted?.contribution
            return full
        }
    }

    /// An empty aggregator for `partition` (default 0, e.g. for offline runs).
    ///
    /// - Parameters:
    ///   - plan: What is tallied; its fields and codes fix the layout of the counts.
    ///   - frame: The population frame; submissions from respondents outside it are rejected as `unknown_respondent`.
    ///   - partition: The input partition this aggregator owns; it names the paradata changelog record and the
    ///     partial tally's sequence number. Default: 0.
    public init(plan: TallyPlan, frame: Frame, partition: Int = 0) {
        self.plan = plan
        self.frame = frame
        self.partition = partition
        self.partitionRecord = PartitionParadata(partition: partition)
        self.counts = IndexedTally(plan: plan, layout: PlanLayout(plan: plan, regions: frame.regionNames))
    }

    // MARK: Applying messages

    /// Applies one validated, coded submission and returns what happened to it.
    ///
    /// Same as `apply(prepare(coded), at: position)`.
    ///
    /// - Parameters:
    ///   - coded: A submission that passed validation, with its coding; its respondent should map to this
    ///     aggregator's partition.
    ///   - position: where the message was read; with it, a replayed message (offset at
    ///     or below the last one applied to the record it changes) returns `.alreadyApplied` and
    ///     changes nothing. Pass `nil` when there is no replay (offline runs).
    /// - Returns: `.acceptedFirst`, `.acceptedEdit`, `.noop`, `.rejected` (produce its dead letter) or `.alreadyApplied`.
    public mutating func apply(_ coded: CodedSubmission, at position: InputPosition? = nil) -> Outcome {
        apply(prepare(coded), at: position)
    }

    /// What `apply` reads from a coded submission, worked out without touching the aggregator's
    /// state: a worker prepares a batch's submissions on every core (each submission's parsed
    /// document is then freed on the thread that made it), then applies them in order.
    ///
    /// - Parameter coded: A validated, coded submission.
    /// - Returns: The submission's identity, its frame position and what it would count; a respondent outside the
    ///   frame gets no contribution and is rejected when applied.
    public func prepare(_ coded: CodedSubmission) -> PreparedSubmission {
        let unit = frame.position(of: coded.submission.respondentId)
        let contribution = unit.map { unit in
            IndexedContribution(
                of: coded,
                plan: plan,
                layout: counts.layout,
                region: frame.units[unit].region,
                regionNumber: frame.regionNumber(ofUnitAt: unit)
            )
        }
        return PreparedSubmission(coded.submission, inFrame: unit != nil, unitPosition: unit, contribution: contribution)
    }

    /// Applies one prepared submission (see `prepare(_:)`) and returns what happened to it; the
    /// same as applying the coded submission it was prepared from.
    ///
    /// - Parameters:
    ///   - submission: Prepared by this aggregator or another of the same plan and frame; consumed, so its
    ///     contribution moves into the respondent's record without a copy.
    ///   - position: Where the message was read, for replay detection; nil when there is no replay. Default: nil.
    /// - Returns: `.acceptedFirst`, `.acceptedEdit`, `.noop`, `.rejected` (produce its dead letter) or `.alreadyApplied`.
    public mutating func apply(_ submission: consuming PreparedSubmission, at position: InputPosition? = nil) -> Outcome {
        // Taken out of the submission (which this call owns), so the contribution is moved into
        // the record rather than copied.
        guard submission.inFrame, let contribution = submission.counted.take() else {
            let rejection = Rejection(reason: .unknownRespondent, respondentId: submission.respondentId, instanceId: submission.instanceId)
            return recordInPartition(
                rejection,
                at: position,
                detail: "respondent_id '\(submission.respondentId)' is not in the population frame"
            )
        }
        let entry = entryPosition(of: submission.respondentId, unit: submission.unitPosition)
        // The record is changed in place in the array (no copy of its version map).
        let outcome = Self.apply(submission, countable(contribution), at: position, to: &entries[entry], counts: &counts, paradata: &paradata)
        if outcome != .alreadyApplied, !entries[entry].isDirty {
            entries[entry].isDirty = true
            dirtyOrder.append(entry)
        }
        return outcome
    }

    /// The rules of `apply(_:at:)` for one respondent's record, counting into `counts` and `paradata`.
    private static func apply(
        _ submission: PreparedSubmission,
        _ contribution: consuming CountedContribution,
        at position: InputPosition?,
        to entry: inout Entry,
        counts: inout IndexedTally,
        paradata: inout ParadataCounts
    ) -> Outcome {
        if entry.state.hasApplied(position) { return .alreadyApplied }

        let fingerprint = submission.fingerprint
        let outcome: Outcome
        if let seen = entry.state.versions[submission.instanceId] {
            outcome =
                seen == fingerprint
                ? .noop
                : reject(
                    .instanceConflict,
                    submission,
                    "instance_id '\(submission.instanceId)' was already accepted with other content; a changed answer needs a new instance_id and deprecated_id naming the head"
                )
        } else if let deprecated = submission.deprecatedId {
            if let head = entry.state.headInstanceId, deprecated == head {
                outcome = .acceptedEdit(replaced: head)
            } else {
                let head = entry.state.headInstanceId.map { "the current head is '\($0)'" } ?? "the respondent has no accepted version"
                outcome = reject(.staleEdit, submission, "deprecated_id '\(deprecated)' does not name the current head: \(head)")
            }
        } else if let head = entry.state.headInstanceId {
            outcome = reject(
                .duplicateRespondent,
                submission,
                "respondent '\(submission.respondentId)' already has an accepted version ('\(head)'); send an edit naming it in deprecated_id"
            )
        } else {
            outcome = .acceptedFirst
        }

        // Counted in the respondent's record and in the partition's tally alike.
        switch outcome {
        case .acceptedFirst, .acceptedEdit:
            if let old = entry.counted { counts.add(old, sign: -1) }
            counts.add(contribution)
            entry.counted = consume contribution
            entry.state.headInstanceId = submission.instanceId
            entry.state.versions[submission.instanceId] = fingerprint
            let edit = outcome != .acceptedFirst
            entry.state.paradata.countAccepted(edit: edit, day: submission.submittedDay)
            paradata.countAccepted(edit: edit, day: submission.submittedDay)
        case .noop:
            entry.state.paradata.countNoop()
            paradata.countNoop()
        case .rejected(let rejection, _):
            entry.state.paradata.countRejection(rejection)
            paradata.countRejection(rejection)
        case .alreadyApplied:
            break
        }
        if let position { entry.state.applied[position.stream] = position.offset }
        return outcome
    }

    /// `contribution` in a form `counts` counts: indexed with a layout matching its own, else
    /// indexed again from the contribution (or kept as it is when the layout cannot express it).
    private mutating func countable(_ contribution: consuming CountedContribution) -> CountedContribution {
        if let layout = contribution.layout {
            if layout === counts.layout || layout === matchingLayout { return contribution }
            if layout.matches(counts.layout) {
                matchingLayout = layout
                return contribution
            }
        }
        return CountedContribution(contribution.contribution, layout: counts.layout)
    }

    /// The position in `entries` of `id`'s record, made empty when there is none. `unit` is the
    /// frame position `prepare` looked up, if any (checked, not trusted).
    private mutating func entryPosition(of id: String, unit: Int?) -> Int {
        if let unit = frameUnit(of: id, hint: unit) {
            if entryOfUnit.isEmpty { entryOfUnit = Array(repeating: -1, count: frame.count) }
            if entryOfUnit[unit] >= 0 { return Int(entryOfUnit[unit]) }
            entryOfUnit[unit] = Int32(entries.count)
        } else if let known = entryOfOutsider[id] {
            return known
        } else {
            entryOfOutsider[id] = entries.count
        }
        entries.append(Entry(state: RespondentState(respondentId: id)))
        return entries.count - 1
    }

    /// The position in `entries` of `id`'s record, or `nil` when there is none.
    private func existingEntryPosition(of id: String) -> Int? {
        if let unit = frame.position(of: id) {
            guard !entryOfUnit.isEmpty, entryOfUnit[unit] >= 0 else { return nil }
            return Int(entryOfUnit[unit])
        }
        return entryOfOutsider[id]
    }

    /// `id`'s position in the frame: `hint` when it is that, else looked up.
    private func frameUnit(of id: String, hint: Int?) -> Int? {
        if let hint, frame.units.indices.contains(hint), frame.units[hint].id == id { return hint }
        return frame.position(of: id)
    }

    /// Counts a message rejected by an earlier stage (validator, coder) so the paradata account
    /// for every message. Counted in the partition's paradata record.
    ///
    /// - Parameters:
    ///   - rejection: The upstream rejection as its dead letter carries it; its reason and problem codes are counted.
    ///   - position: Where the dead letter was read, for replay detection; nil when there is no replay. Default: nil.
    /// - Returns: `.rejected(rejection, …)`, or `.alreadyApplied` for a replayed position.
    @discardableResult
    public mutating func recordUpstreamRejection(_ rejection: Rejection, at position: InputPosition? = nil) -> Outcome {
        let problems = rejection.problems.map { "\($0.pointer.isEmpty ? "(message)" : $0.pointer) \($0.code.rawValue): \($0.message)" }
        return recordInPartition(
            rejection,
            at: position,
            detail: problems.isEmpty ? "rejected before aggregation: \(rejection.reason.rawValue)" : problems.joined(separator: "; ")
        )
    }

    private static func reject(_ reason: RejectionReason, _ submission: PreparedSubmission, _ detail: String) -> Outcome {
        .rejected(Rejection(reason: reason, respondentId: submission.respondentId, instanceId: submission.instanceId), detail: detail)
    }

    private mutating func recordInPartition(_ rejection: Rejection, at position: InputPosition?, detail: String) -> Outcome {
        if partitionRecord.hasApplied(position) { return .alreadyApplied }
        partitionRecord.paradata.countRejection(rejection)
        paradata.countRejection(rejection)
        if let position { partitionRecord.applied[position.stream] = position.offset }
        paradataDirty = true
        return .rejected(rejection, detail: detail)
    }

    // MARK: Reading

    /// The partition's tally now; its sequence number is the number of messages counted, which
    /// only grows and survives restarts.
    ///
    /// - Parameter asOf: The time the tally describes, e.g. the newest input timestamp as RFC 3339; stored as given.
    ///   Default: nil.
    /// - Returns: A partial tally of this partition alone (`partitions` = `[partition: received]`), to merge with
    ///   the other partitions' partials.
    public func snapshot(asOf: String? = nil) -> PartialTally {
        var partial = counts.partial()
        partial.paradata = paradata
        partial.partitions = [partition: UInt64(max(0, paradata.received))]
        partial.asOf = asOf
        return partial
    }

    /// The state of `respondentId`, or `nil` when nothing was seen from it.
    ///
    /// - Parameter respondentId: A respondent id, in the frame or not (outsiders are held only when restored).
    /// - Returns: The record with its head version's contribution, as the changelog would hold it.
    public func state(of respondentId: String) -> RespondentState? {
        existingEntryPosition(of: respondentId).map { entries[$0].fullState }
    }

    /// The coded fields in which `respondentId`'s head version has texts waiting for review, with
    /// their counts; `nil` without a head or without such texts. Read in place (no state is copied).
    ///
    /// - Parameter respondentId: A respondent id.
    /// - Returns: Review items per coded field of the head version's coding.
    public func headCodingReview(of respondentId: String) -> [String: Int]? {
        guard let entry = existingEntryPosition(of: respondentId) else { return nil }
        return entries.withElement(at: entry) { $0.counted?.codingReview }
    }

    /// Every respondent state held.
    public var respondentStates: some Collection<RespondentState> { entries.lazy.map(\.fullState) }

    /// The partition's paradata record.
    public var paradataRecord: PartitionParadata { partitionRecord }

    // MARK: Changelog

    /// The records changed since the last call (respondents in the order they were first
    /// changed, then the partition paradata record), and forgets them. Write them to the changelog before committing input offsets.
    public mutating func takeChangelog() -> [ChangelogRecord] {
        var records: [ChangelogRecord] = []
        records.reserveCapacity(dirtyOrder.count + 1)
        for entry in dirtyOrder { entries[entry].isDirty = false }
        for entry in dirtyOrder {
            // Read in place (a subscript would copy the whole record out).
            records.append(entries.withElement(at: entry) { ChangelogRecord($0.state, contribution: $0.counted) })
        }
        if paradataDirty { records.append(ChangelogRecord(partitionRecord)) }
        dirtyOrder.removeAll(keepingCapacity: true)
        paradataDirty = false
        return records
    }

    /// Every record (a compacted changelog's content), without changing what is pending.
    public func allChangelogRecords() -> [ChangelogRecord] {
        let byId = entries.indices.sorted { entries[$0].state.respondentId < entries[$1].state.respondentId }
        return byId.map { ChangelogRecord(entries[$0].state, contribution: entries[$0].counted) } + [ChangelogRecord(partitionRecord)]
    }

    /// Loads one changelog record, replacing what was held under its key (a later record of a
    /// key wins, as in a compacted topic), and updates the partial tally to match. Restored
    /// records are not pending for `takeChangelog()`. The same as `restore(decode(record))`.
    ///
    /// - Parameter record: A record read back from this partition's changelog, in any order.
    /// - Throws: `TallyError.undecodable` for bytes that are not a state record,
    ///   `.misplacedRecord` when the record names another respondent or partition than its key
    ///   and this aggregator.
    public mutating func restore(_ record: ChangelogRecord) throws(TallyError) {
        try restore(decode(record))
    }

    /// Reads one changelog record without touching the aggregator's state, so that a restore
    /// decodes its records on every core and only loads them (`restore(_:)`) in order.
    ///
    /// - Parameter record: A record read back from a changelog of this aggregator's plan and frame.
    /// - Returns: The record's state, its contribution indexed by this aggregator's layout (any aggregator of the
    ///   same plan and frame may load it).
    /// - Throws: `TallyError.undecodable` for bytes that are not a state record, `.misplacedRecord` when a
    ///   respondent record names another respondent than its key.
    public func decode(_ record: ChangelogRecord) throws(TallyError) -> DecodedChangelogRecord {
        if record.isParadata {
            return DecodedChangelogRecord(key: record.key, content: .paradata(try Self.read(record, ChangelogJSON.readPartitionParadata)))
        }
        var state = try Self.read(record, ChangelogJSON.readRespondentState)
        guard state.respondentId == record.key else {
            throw TallyError(.misplacedRecord, "changelog record '\(record.key)' holds the state of respondent '\(state.respondentId)'")
        }
        let counted = state.contribution.map { CountedContribution($0, layout: counts.layout) }
        state.contribution = nil
        return DecodedChangelogRecord(key: record.key, content: .respondent(state, counted))
    }

    private static func read<T>(_ record: ChangelogRecord, _ reader: (Data) throws(ChangelogJSON.ReadError) -> T) throws(TallyError) -> T {
        do {
            return try reader(record.value)
        } catch {
            throw TallyError(.undecodable, "changelog record '\(record.key)' is not a \(T.self): \(error.message)")
        }
    }

    /// Loads one decoded changelog record (see `restore(_:)` for a record as read).
    ///
    /// - Parameter record: Decoded by this aggregator or another of the same plan and frame.
    /// - Throws: `TallyError.misplacedRecord` when a paradata record belongs to another partition.
    public mutating func restore(_ record: DecodedChangelogRecord) throws(TallyError) {
        switch record.content {
        case .paradata(let restored):
            guard restored.partition == partition, record.key == PartitionParadata.changelogKey(partition: partition) else {
                throw TallyError(
                    .misplacedRecord,
                    "changelog record '\(record.key)' holds partition \(restored.partition)'s paradata; this aggregator owns partition \(partition)"
                )
            }
            paradata.add(partitionRecord.paradata, sign: -1)
            paradata.add(restored.paradata)
            partitionRecord = restored
        case .respondent(let restored, let contribution):
            let counted = contribution.map { countable($0) }
            // A new record is empty: retracting it changes nothing.
            let entry = entryPosition(of: record.key, unit: nil)
            paradata.add(entries[entry].state.paradata, sign: -1)
            if let old = entries[entry].counted { counts.add(old, sign: -1) }
            paradata.add(restored.paradata)
            if let counted { counts.add(counted) }
            entries[entry].state = restored
            entries[entry].counted = counted
        }
    }
}

/// A changelog record read by `Aggregator.decode(_:)`, ready for `Aggregator.restore(_:)`.
public struct DecodedChangelogRecord: Sendable {
    /// The record's key.
    public let key: String
    let content: Content

    enum Content: Sendable {
        case paradata(PartitionParadata)
        /// The state without its contribution, and the contribution as the aggregator counts it.
        case respondent(RespondentState, CountedContribution?)
    }
}
