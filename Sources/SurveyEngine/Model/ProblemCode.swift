/// The kind of one validation problem (DESIGN.md's problem codes, plus size caps).
public enum ProblemCode: String, Sendable, Hashable, Codable, CaseIterable {
    case invalidUTF8 = "invalid_utf8"
    case invalidJSON = "invalid_json"
    case required
    case typeMismatch = "type_mismatch"
    case tooManyItems = "too_many_items"
    case unknownOption = "unknown_option"
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
