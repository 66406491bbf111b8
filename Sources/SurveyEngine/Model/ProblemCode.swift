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
