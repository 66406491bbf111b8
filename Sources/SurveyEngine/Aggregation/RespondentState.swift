/// Everything the aggregator keeps for one respondent: one changelog record (key =
/// `respondent_id`), enough to carry on after a restart and to rebuild the partial tally.
///
/// Every message about a respondent that reaches the aggregator changes exactly this one
/// record (its outcome is counted in `paradata`, its offset in `applied`), so writing the
/// record is atomic for that message: after a crash, a replayed message whose offset is at or
/// below `applied[stream]` is recognised and skipped, whatever else was or was not written.
public struct RespondentState: Sendable, Hashable, Codable {
    /// The respondent.
    public var respondentId: String
    /// The instance id of the version that counts, or `nil` before any was accepted.
    public var headInstanceId: String?
    /// Every accepted version (head and superseded) by instance id, with its content
    /// fingerprint: the memory behind "identical re-send" and "instance conflict".
    public var versions: [String: ContentFingerprint]
    /// What the head version counted, or `nil` without a head.
    public var contribution: Contribution?
    /// Outcomes of this respondent's messages (accepted, no-op, rejected by the aggregator).
    public var paradata: ParadataCounts
    /// Last applied input offset per stream (see `InputPosition`).
    public var applied: [String: Int64]

    /// A respondent the aggregator has seen nothing from.
    ///
    /// - Parameter respondentId: The respondent id, also the record's changelog key.
    public init(respondentId: String) {
        self.respondentId = respondentId
        self.headInstanceId = nil
        self.versions = [:]
        self.contribution = nil
        self.paradata = ParadataCounts()
        self.applied = [:]
    }

    /// Whether the message at `position` is already reflected in this record.
    ///
    /// - Parameter position: Where the message was read; nil (no replay tracking) is never applied.
    /// - Returns: True when its offset is at or below the last one applied from its stream.
    public func hasApplied(_ position: InputPosition?) -> Bool {
        guard let position, let last = applied[position.stream] else { return false }
        return position.offset <= last
    }

    enum CodingKeys: String, CodingKey {
        case versions, contribution, paradata, applied
        case respondentId = "respondent_id"
        case headInstanceId = "head_instance_id"
    }
}
