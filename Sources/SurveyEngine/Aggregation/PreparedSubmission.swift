/// A coded submission reduced to what `Aggregator.apply` reads: its envelope ids, its content
/// fingerprint and the contribution it would count. Made by `Aggregator.prepare(_:)`, which needs
/// none of the aggregator's state, so a batch can be prepared on every core and applied in order.
public struct PreparedSubmission: Sendable, Hashable {
    /// The submission's `respondent_id`.
    public var respondentId: String
    /// Its `instance_id`.
    public var instanceId: String
    /// Its `deprecated_id`, on an edit.
    public var deprecatedId: String?
    /// The day of its `submitted_at` as written (`YYYY-MM-DD`).
    public var submittedDay: String
    /// Whether the respondent is in the population frame.
    public var inFrame: Bool
    /// The fingerprint of its whole content.
    public var fingerprint: ContentFingerprint
    /// What it counts if it becomes the head (`nil` when the respondent is not in the frame).
    public var contribution: Contribution?

    /// Creates a prepared submission from its parts (`Aggregator.prepare(_:)` is the usual way).
    public init(respondentId: String, instanceId: String, deprecatedId: String?, submittedDay: String, inFrame: Bool,
                fingerprint: ContentFingerprint, contribution: Contribution?) {
        self.respondentId = respondentId
        self.instanceId = instanceId
        self.deprecatedId = deprecatedId
        self.submittedDay = submittedDay
        self.inFrame = inFrame
        self.fingerprint = fingerprint
        self.contribution = contribution
    }
}
