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
    public var contribution: Contribution? {
        get { counted?.contribution }
        set { counted = newValue.map(CountedContribution.strings) }
    }
    /// `contribution` as `Aggregator.prepare(_:)` reads it (indexed with the aggregator's layout).
    var counted: CountedContribution?
    /// The respondent's position in the frame's units, when `prepare` looked it up.
    var unitPosition: Int?

    /// Creates a prepared submission from its parts (`Aggregator.prepare(_:)` is the usual way).
    ///
    /// - Parameters:
    ///   - respondentId: The submission's `respondent_id`.
    ///   - instanceId: Its `instance_id`.
    ///   - deprecatedId: Its `deprecated_id`, or nil for a first submission.
    ///   - submittedDay: The `YYYY-MM-DD` of its `submitted_at`.
    ///   - inFrame: Whether the respondent is in the population frame; false makes ``Aggregator`` reject it.
    ///   - fingerprint: The fingerprint of its whole content, for re-send and conflict checks.
    ///   - contribution: What it counts if it becomes the head; nil when the respondent is not in the frame.
    public init(
        respondentId: String,
        instanceId: String,
        deprecatedId: String?,
        submittedDay: String,
        inFrame: Bool,
        fingerprint: ContentFingerprint,
        contribution: Contribution?
    ) {
        self.respondentId = respondentId
        self.instanceId = instanceId
        self.deprecatedId = deprecatedId
        self.submittedDay = submittedDay
        self.inFrame = inFrame
        self.fingerprint = fingerprint
        self.counted = contribution.map(CountedContribution.strings)
    }

    /// A submission prepared by `Aggregator.prepare(_:)`.
    init(_ submission: borrowing Submission, inFrame: Bool, unitPosition: Int?, contribution: consuming IndexedContribution?) {
        self.respondentId = submission.respondentId
        self.instanceId = submission.instanceId
        self.deprecatedId = submission.deprecatedId
        self.submittedDay = submission.submittedDay
        self.inFrame = inFrame
        self.fingerprint = ContentFingerprint(of: submission)
        if let contribution { self.counted = .indexed(contribution) } else { self.counted = nil }
        self.unitPosition = unitPosition
    }

    /// Equal when every public member is (however the contribution is held).
    ///
    /// - Parameters:
    ///   - a: A prepared submission.
    ///   - b: Another.
    /// - Returns: True when identities, day, frame flag, fingerprint and contribution are equal.
    public static func == (a: PreparedSubmission, b: PreparedSubmission) -> Bool {
        a.respondentId == b.respondentId && a.instanceId == b.instanceId && a.deprecatedId == b.deprecatedId
            && a.submittedDay == b.submittedDay && a.inFrame == b.inFrame && a.fingerprint == b.fingerprint
            && a.contribution == b.contribution
    }

    /// Hashes every public member.
    ///
    /// - Parameter hasher: The hasher to feed; the contribution is hashed by value, so equal values hash equal
    ///   whether indexed or not.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(respondentId)
        hasher.combine(instanceId)
        hasher.combine(deprecatedId)
        hasher.combine(submittedDay)
        hasher.combine(inFrame)
        hasher.combine(fingerprint)
        hasher.combine(contribution)
    }
}
