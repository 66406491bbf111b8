/// Why bytes could not be read as a JSON document, and exactly where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure, which maps onto a problem code.
    public enum Kind: String, Sendable, Hashable {
        /// The bytes are not well-formed UTF-8 (checked before any JSON parsing).
        case invalidUTF8 = "invalid_utf8"
        /// The text is not one RFC 8259 JSON document (syntax, truncation, nesting too deep, …).
        case invalidJSON = "invalid_json"
    }

    /// The class of failure.
    public var kind: Kind
    /// Zero-based byte offset of the offending byte (the input's length when the input ended too soon).
    public var offset: Int
    /// One-based line of `offset` (lines end at LF).
    public var line: Int
    /// One-based column of `offset`, counted in bytes from the start of its line.
    public var column: Int
    /// What was wrong at that point, e.g. `expected ',' or '}' after an object member`.
    public var reason: String

    /// Creates an error; `line` and `column` are normally computed by the parser from the input.
    /// - Parameters:
    ///   - kind: Whether the bytes failed UTF-8 validation or JSON parsing.
    ///   - offset: Zero-based byte offset of the offending byte, or the input's length when it ended early.
    ///   - line: One-based line of `offset`, with lines ending at LF.
    ///   - column: One-based column of `offset`, in bytes from the start of its line.
    ///   - reason: What was wrong at that point, written into `message` after the position.
    public init(kind: Kind, offset: Int, line: Int, column: Int, reason: String) {
        self.kind = kind
        self.offset = offset
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// The problem code a validator reports for this error: `invalid_utf8` or `invalid_json`.
    public var problemCode: ProblemCode {
        switch kind {
        case .invalidUTF8: .invalidUTF8
        case .invalidJSON: .invalidJSON
        }
    }

    /// A sentence naming the failure and its position, e.g.
    /// `invalid JSON at byte 812 (line 1, column 813): unexpected end of input inside a string`.
    public var message: String {
        let what = kind == .invalidUTF8 ? "invalid UTF-8" : "invalid JSON"
        return "\(what) at byte \(offset) (line \(line), column \(column)): \(reason)"
    }

    /// The same as `message`.
    public var description: String { message }
}
