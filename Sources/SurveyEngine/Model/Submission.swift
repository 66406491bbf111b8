/// A submission that passed validation: the OpenRosa-style envelope of ARCHITECTURE.md plus its answers.
public struct Submission: Sendable, Hashable {
    /// Instrument id, e.g. `wwc-csc-2018`.
    public var formId: String
    /// A version the instrument declares, e.g. `2018.1`.
    public var formVersion: String
    /// `uuid:` + UUID, unique per version.
    public var instanceId: String
    /// On an edit: the `instance_id` this version replaces.
    public var deprecatedId: String?
    /// The unit of the population frame (ONS code for the LA survey).
    public var respondentId: String
    /// RFC 3339 timestamp with offset, as the client wrote it.
    public var submittedAt: String
    /// The `answers` object.
    public var answers: JSONValue

    /// Creates a submission; nothing is checked here (the validator checks before it makes one).
    ///
    /// - Parameters:
    ///   - formId: Instrument id, e.g. `wwc-csc-2018`.
    ///   - formVersion: A version the instrument declares, e.g. `2018.1`.
    ///   - instanceId: `uuid:` + UUID, unique per version.
    ///   - deprecatedId: On an edit, the `instance_id` this version replaces; nil for a first submission. Default: nil.
    ///   - respondentId: The frame unit's id, e.g. `E06000001`.
    ///   - submittedAt: RFC 3339 timestamp with offset, e.g. `2018-05-14T09:30:00+01:00`; its first 10 characters are
    ///     the day counted in the paradata.
    ///   - answers: The `answers` object.
    public init(
        formId: String,
        formVersion: String,
        instanceId: String,
        deprecatedId: String? = nil,
        respondentId: String,
        submittedAt: String,
        answers: JSONValue
    ) {
        self.formId = formId
        self.formVersion = formVersion
        self.instanceId = instanceId
        self.deprecatedId = deprecatedId
        self.respondentId = respondentId
        self.submittedAt = submittedAt
        self.answers = answers
    }

    /// The calendar day of `submittedAt` as written (`YYYY-MM-DD`, the respondent's local date).
    public var submittedDay: String { String(submittedAt.prefix(10)) }
}
