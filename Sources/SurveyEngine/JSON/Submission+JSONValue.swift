/// Re-emitting a validated submission as JSON (for `survey.valid` and dead letters).
extension Submission {
    /// The submission as a JSON document: the envelope members named as `envelope` says
    /// (default: ARCHITECTURE.md's names), `deprecated_id` only when present, and the answers.
    /// `JSONWriter().bytes(submission.jsonValue())` gives deterministic bytes.
    /// - Parameter envelope: The member names to use for the envelope fields and the answers.
    ///   Default: `Envelope()`, the names ARCHITECTURE.md gives.
    /// - Returns: A JSON object holding the form id, form version, instance id, respondent id,
    ///   submission time and answers, plus the deprecated id when the submission has one.
    public func jsonValue(envelope: Envelope = Envelope()) -> JSONValue {
        var members: [String: JSONValue] = [
            envelope.formId.member: .string(formId),
            envelope.formVersion.member: .string(formVersion),
            envelope.instanceId.member: .string(instanceId),
            envelope.respondentId.member: .string(respondentId),
            envelope.submittedAt.member: .string(submittedAt),
            envelope.answers.member: answers,
        ]
        if let deprecatedId { members[envelope.deprecatedId.member] = .string(deprecatedId) }
        return .object(members)
    }
}
