/// How the OpenRosa-style envelope around the answers is spelled and checked (ARCHITECTURE.md, "Submission").
///
/// Each role of a `Submission` maps to a JSON member. The defaults are ARCHITECTURE.md's names and rules,
/// so an instrument file only states what differs.
public struct Envelope: Sendable, Hashable {
    /// A text format an envelope member must have.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `uuid:` followed by a UUID in 8-4-4-4-12 hex form (either case), e.g. `uuid:585ab0e6-ec34-4dc1-8359-08b8db2d3e7e`.
        case uuidURN = "uuid_urn"
        /// An RFC 3339 date-time with seconds and an offset (`Z` or `±hh:mm`), e.g. `2018-04-03T11:28:02+01:00`.
        case rfc3339
    }

    /// One envelope member: its JSON name, whether it must be present, and its format.
    public struct Member: Sendable, Hashable {
        /// The JSON member name.
        public var member: String
        /// Whether it must be present. Only `deprecatedId` may be optional.
        public var required: Bool
        /// The format its string must have; `nil` means any non-blank string (or an object, for `answers`).
        public var format: Format?

        /// Creates a member description.
        ///
        /// - Parameters:
        ///   - member: The JSON member name at the top level of the message.
        ///   - required: Whether it must be present and non-blank. Default: true.
        ///   - format: The format its string must have; nil accepts any non-blank string. Default: nil.
        public init(member: String, required: Bool = true, format: Format? = nil) {
            self.member = member
            self.required = required
            self.format = format
        }
    }

    /// Must equal the instrument's `formId`. Default member: `form_id`.
    public var formId = Member(member: "form_id")
    /// Must be one of the instrument's `versions`. Default member: `form_version`.
    public var formVersion = Member(member: "form_version")
    /// The client-made instance id. Default member: `instance_id`, format `uuid_urn`.
    public var instanceId = Member(member: "instance_id", format: .uuidURN)
    /// On an edit, the instance replaced. Default member: `deprecated_id`, optional, format `uuid_urn`.
    public var deprecatedId = Member(member: "deprecated_id", required: false, format: .uuidURN)
    /// The unit of the population frame. Default member: `respondent_id`.
    public var respondentId = Member(member: "respondent_id")
    /// When the client submitted. Default member: `submitted_at`, format `rfc3339`.
    public var submittedAt = Member(member: "submitted_at", format: .rfc3339)
    /// The answers object. Default member: `answers`.
    public var answers = Member(member: "answers")
    /// What to do with other top-level members. Default: `.ignore` (producers add their own metadata).
    public var unknownMembers: UnknownMemberPolicy = .ignore

    /// ARCHITECTURE.md's envelope.
    public init() {}

    /// The string-valued members in the order problems are reported: every role except `answers`.
    public var stringMembers: [Member] { [formId, formVersion, instanceId, deprecatedId, respondentId, submittedAt] }
}
