/// One problem with a message: where (RFC 6901 JSON pointer, `""` = the whole value),
/// what (a stable code) and a sentence a person can act on.
public struct Problem: Sendable, Hashable, Codable {
    /// RFC 6901 pointer to the offending value, e.g. `/answers/region`; `""` for the whole message.
    public var pointer: String
    /// The kind of problem, stable for machines.
    public var code: ProblemCode
    /// A sentence a person can act on, naming the value and what was expected.
    public var message: String

    /// Creates a problem.
    ///
    /// - Parameters:
    ///   - pointer: RFC 6901 pointer (`~` written `~0`, `/` written `~1`); `""` for the whole message.
    ///   - code: The kind of problem.
    ///   - message: What is wrong and what was expected, e.g. `top_approaches has 4 items; choose at most 3`.
    public init(pointer: String, code: ProblemCode, message: String) {
        self.pointer = pointer
        self.code = code
        self.message = message
    }
}
