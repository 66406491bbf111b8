/// What the aggregator did with one message.
public enum Outcome: Sendable, Hashable {
    /// The respondent's first version: now the head, counted.
    case acceptedFirst
    /// An edit of the head (`replaced` = the old head's instance id): the old version's
    /// contribution was retracted and this one counted.
    case acceptedEdit(replaced: String)
    /// An identical re-send of a version already accepted: nothing changed but the no-op count.
    case noop
    /// Not counted, with the rejection (a dead letter for `survey.rejected`) and a sentence for
    /// the person reading it.
    case rejected(Rejection, detail: String)
    /// The message's input position is at or below the last applied offset of the record it
    /// changes: a replay after a crash. Nothing changed; its outputs were made when first applied.
    case alreadyApplied

    /// Whether the message now counts (first or edit).
    public var isAccepted: Bool {
        switch self {
        case .acceptedFirst, .acceptedEdit: true
        default: false
        }
    }

    /// The rejection, when rejected.
    public var rejection: Rejection? {
        if case .rejected(let rejection, _) = self { return rejection }
        return nil
    }
}
