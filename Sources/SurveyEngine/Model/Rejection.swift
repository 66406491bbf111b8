/// Why a message was not counted: a stable machine-readable code (ARCHITECTURE.md's reasons).
public enum RejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not valid UTF-8, not JSON, or breaks an instrument rule (see `problems`).
    case invalid
    /// `respondent_id` is not in the population frame.
    case unknownRespondent = "unknown_respondent"
    /// `deprecated_id` does not name the respondent's current head instance.
    case staleEdit = "stale_edit"
    /// A fresh submission for a respondent that already has a head version.
    case duplicateRespondent = "duplicate_respondent"
    /// `instance_id` already seen with different content.
    case instanceConflict = "instance_conflict"
}

/// The kind of one validation problem (ARCHITECTURE.md's problem codes, plus size caps).
public enum ProblemCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// Valid UTF-8 but not one JSON value.
    case invalidJSON = "invalid_json"
    /// A required member or answer is missing (or, for a text, blank).
    case required
    /// A value of the wrong JSON type (e.g. a number where a string is declared).
    case typeMismatch = "type_mismatch"
    /// More items than the instrument's `max_items`.
    case tooManyItems = "too_many_items"
    /// A code that is not among the question's options.
    case unknownOption = "unknown_option"
    /// A number outside the declared `min`/`max`.
    case outOfRange = "out_of_range"
    /// A text or the whole message is over its cap.
    case tooLarge = "too_large"
    /// `form_id`/`form_version` name no instrument this engine knows.
    case unknownForm = "unknown_form"
    /// A member the instrument does not declare (a misspelt answer name, say), where the instrument rejects those.
    case unknownMember = "unknown_member"
    /// The same option code chosen twice where the instrument asks for distinct codes.
    case duplicateItem = "duplicate_item"
    /// Fewer items than the instrument's `min_items`.
    case tooFewItems = "too_few_items"
    /// A string that does not have its declared format (`instance_id` not `uuid:` + UUID, `submitted_at` not RFC 3339).
    case invalidFormat = "invalid_format"
}

/// One problem with a message: where (RFC 6901 JSON pointer, `""` = the whole value),
/// what (a stable code) and a sentence a person can act on.
public struct Problem: Sendable, Hashable, Codable {
    /// RFC 6901 pointer to the offending value, e.g. `/answers/region`; `""` for the whole message.
    public var pointer: String
    /// The kind of problem, stable for machines.
    public var code: ProblemCode
    /// A sentence a person can act on, naming the value and what was expected.
    public var message: String

    /// Creates a problem.
    ///
    /// - Parameters:
    ///   - pointer: RFC 6901 pointer (`~` written `~0`, `/` written `~1`); `""` for the whole message.
    ///   - code: The kind of problem.
    ///   - message: What is wrong and what was expected, e.g. `top_approaches has 4 items; choose at most 3`.
    public init(pointer: String, code: ProblemCode, message: String) {
        self.pointer = pointer
        self.code = code
        self.message = message
    }
}

/// A message that will not be counted, with every reason found.
public struct Rejection: Sendable, Hashable {
    /// Why it is not counted.
    public var reason: RejectionReason
    /// For `.invalid`: one entry per problem; otherwise usually one explanatory entry or none.
    public var problems: [Problem]
    /// The respondent, where the message named one.
    public var respondentId: String?
    /// The instance, where the message named one.
    public var instanceId: String?

    /// Creates a rejection.
    ///
    /// - Parameters:
    ///   - reason: Why the message is not counted.
    ///   - problems: For `.invalid`, every problem found; otherwise usually none. Default: none.
    ///   - respondentId: The respondent the message names, when it could be read. Default: nil.
    ///   - instanceId: The instance the message names, when it could be read. Default: nil.
    public init(reason: RejectionReason, problems: [Problem] = [], respondentId: String? = nil, instanceId: String? = nil) {
        self.reason = reason
        self.problems = problems
        self.respondentId = respondentId
        self.instanceId = instanceId
    }
}
