/// A tally could not be merged, restored or rendered: a stable code and a sentence naming what
/// to fix.
public struct TallyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable code.
    public enum Code: String, Sendable, Hashable, Codable {
        /// Partials of different forms were merged.
        case formMismatch = "form_mismatch"
        /// Two partials cover the same partition: merging them would count it twice.
        case overlappingPartitions = "overlapping_partitions"
        /// Bytes (a partial, a changelog record) could not be decoded.
        case undecodable
        /// A changelog record belongs to another partition or respondent than its key says.
        case misplacedRecord = "misplaced_record"
    }

    /// The stable code.
    public var code: Code
    /// What failed and what to do, in words.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: What failed and what to do, naming the form, partitions or changelog key involved.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
