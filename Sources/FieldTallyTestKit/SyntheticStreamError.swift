/// A synthetic stream could not be built or written: a code and what to do about it.
public struct SyntheticStreamError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// An option is out of range (copies < 1, negative padding).
        case badOptions = "bad_options"
        /// The source stream cannot be read or is empty.
        case badSource = "bad_source"
        /// The survey folder's instrument or frame cannot be read, or the frame lacks `respondent_id`.
        case badFrame = "bad_frame"
        /// The output folder or a file in it cannot be written.
        case writeFailed = "write_failed"
    }

    /// The failure kind.
    public var code: Code
    /// What failed, where, and what to change.
    public var message: String

    /// An error with a code and a message.
    ///
    /// - Parameters:
    ///   - code: The failure kind, stable for scripts.
    ///   - message: What failed, where (path, option), and what to change.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
