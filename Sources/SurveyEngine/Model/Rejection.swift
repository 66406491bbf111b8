/// A message that will not be counted, with every reason found.
public struct Rejection: Sendable, Hashable {
    /// Why it is not counted.
    public var reason: RejectionReason
    /// For `.invalid`: one entry per problem; otherwise usually one explanatory entry or none.
    public var problems: [Problem]
    /// The respondent, where the message named one.
    public var respondentId: String?
    /// The instance, where the message named one.
    public var instanceId: String?

    /// Creates a rejection.
    ///
    /// - Parameters:
    ///   - reason: Why the message is not counted.
    ///   - problems: For `.invalid`, every problem found; otherwise usually none. Default: none.
    ///   - respondentId: The respondent the message names, when it could be read. Default: nil.
    ///   - instanceId: The instance the message names, when it could be read. Default: nil.
    public init(reason: RejectionReason, problems: [Problem] = [], respondentId: String? = nil, instanceId: String? = nil) {
        self.reason = reason
        self.problems = problems
        self.respondentId = respondentId
        self.instanceId = instanceId
    }
}
