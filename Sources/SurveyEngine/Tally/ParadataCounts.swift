/// Counts of what happened to messages: additive (merge = add), so per-respondent records,
/// per-partition records and partitions all sum to the survey's paradata.
///
/// Every message is counted exactly once, as accepted (first or edit), a no-op re-send, or a
/// rejection; `received` is their sum. Dictionaries hold only non-zero counts, keyed by the
/// stable codes (`RejectionReason`/`ProblemCode` raw values, days as `YYYY-MM-DD`).
public struct ParadataCounts: Sendable, Hashable, Codable {
    /// First submissions accepted.
    public var acceptedFirstSubmissions: Int = 0
    /// Edits accepted (each replaced the head).
    public var acceptedEdits: Int = 0
    /// Identical re-sends (same instance, same content): no-ops, not rejections.
    public var noopIdenticalResends: Int = 0
    /// Rejected messages by reason code.
    public var rejectedByReason: [String: Int] = [:]
    /// Invalid messages having each problem code (a message counts once per code it has).
    public var invalidMessagesByProblemCode: [String: Int] = [:]
    /// Problems of invalid messages by code (every problem counts).
    public var invalidProblemsByCode: [String: Int] = [:]
    /// Accepted versions (first and edits, superseded ones too) by their written day.
    public var acceptedVersionsPerDay: [String: Int] = [:]

    /// No counts.
    public init() {}

    /// All rejected messages.
    public var rejectedTotal: Int { rejectedByReason.values.reduce(0, +) }
    /// All messages counted.
    public var received: Int { acceptedFirstSubmissions + acceptedEdits + noopIdenticalResends + rejectedTotal }
    /// Messages that passed validation: received minus invalid.
    public var valid: Int { received - (rejectedByReason[RejectionReason.invalid.rawValue] ?? 0) }
    /// Whether nothing has been counted.
    public var isEmpty: Bool { received == 0 }

    /// Counts one accepted version (`edit` or first) submitted on `day`.
    ///
    /// - Parameters:
    ///   - edit: True for an edit of the head, false for a respondent's first version.
    ///   - day: The `YYYY-MM-DD` of its `submitted_at` as written (the respondent's local day).
    public mutating func countAccepted(edit: Bool, day: String) {
        if edit { acceptedEdits += 1 } else { acceptedFirstSubmissions += 1 }
        acceptedVersionsPerDay[day, default: 0] += 1
    }

    /// Counts one identical re-send.
    public mutating func countNoop() { noopIdenticalResends += 1 }

    /// Counts one rejected message with its problems (problems count for `.invalid` only).
    ///
    /// - Parameter rejection: The rejection; an invalid message counts once under each distinct problem code it has
    ///   in ``invalidMessagesByProblemCode`` and once per problem in ``invalidProblemsByCode``.
    public mutating func countRejection(_ rejection: Rejection) {
        rejectedByReason[rejection.reason.rawValue, default: 0] += 1
        guard rejection.reason == .invalid else { return }
        for problem in rejection.problems { invalidProblemsByCode[problem.code.rawValue, default: 0] += 1 }
        for code in Set(rejection.problems.map(\.code.rawValue)) { invalidMessagesByProblemCode[code, default: 0] += 1 }
    }

    /// Adds (`sign` = 1) or subtracts (`sign` = -1) `other`, dropping counts that reach zero.
    ///
    /// - Parameters:
    ///   - other: Counts to add, e.g. another partition's or a respondent record's.
    ///   - sign: 1 to add, -1 to subtract (when a restored record replaces the one held). Default: 1.
    public mutating func add(_ other: ParadataCounts, sign: Int = 1) {
        acceptedFirstSubmissions += sign * other.acceptedFirstSubmissions
        acceptedEdits += sign * other.acceptedEdits
        noopIdenticalResends += sign * other.noopIdenticalResends
        rejectedByReason.addCounts(other.rejectedByReason, sign: sign)
        invalidMessagesByProblemCode.addCounts(other.invalidMessagesByProblemCode, sign: sign)
        invalidProblemsByCode.addCounts(other.invalidProblemsByCode, sign: sign)
        acceptedVersionsPerDay.addCounts(other.acceptedVersionsPerDay, sign: sign)
    }

    enum CodingKeys: String, CodingKey {
        case acceptedFirstSubmissions = "accepted_first_submissions"
        case acceptedEdits = "accepted_edits"
        case noopIdenticalResends = "noop_identical_resends"
        case rejectedByReason = "rejected_by_reason"
        case invalidMessagesByProblemCode = "invalid_messages_by_problem_codes"
        case invalidProblemsByCode = "invalid_problems_by_code"
        case acceptedVersionsPerDay = "accepted_versions_per_day"
    }
}
