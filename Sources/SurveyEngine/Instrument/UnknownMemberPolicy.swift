/// What validation does with a member the instrument does not declare.
public enum UnknownMemberPolicy: String, Sendable, Hashable, CaseIterable {
    /// Report it as an `unknown_member` problem (nothing is silently dropped).
    case reject
    /// Accept it and leave it out of every check.
    case ignore
}
