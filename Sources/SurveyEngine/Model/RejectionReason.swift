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
