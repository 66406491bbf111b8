/// One problem with a message: where (RFC 6901 JSON pointer, `""` = the whole value),
/// what (a stable code) and a sentence a person can act on.
public struct Problem: Sendable, Hashable, Codable {
    public var pointer: String
    public var code: ProblemCode
    public var message: String

    public init(pointer: String, code: ProblemCode, message: String) {
        self.pointer = pointer
        self.code = code
        self.message = message
    }
}
