/// Re-emitting a validated submission as JSON (for `survey.valid` and dead letters).
extension Submission {
    /// The submission as a JSON document: the envelope members named as `envelope` says
    /// (default: ARCHITECTURE.md's names), `deprecated_id` only when present, and the answers.
    /// `JSONWriter().bytes(submission.jsonValue())` gives deterministic bytes.
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
