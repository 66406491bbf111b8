/// What a `Validator` decided about one message.
public enum ValidationOutcome: Sendable, Hashable {
    /// Well-formed, follows the instrument, and the respondent is in the frame: pass it on.
    case valid(Submission)
    /// Not counted: `.invalid` with every problem found, or `.unknownRespondent`.
    case rejected(Rejection)

    /// The submission, when valid.
    public var submission: Submission? {
        if case .valid(let submission) = self { return submission }
        return nil
    }

    /// The rejection, when rejected.
    public var rejection: Rejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }
}
