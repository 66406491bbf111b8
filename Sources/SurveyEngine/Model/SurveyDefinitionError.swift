/// A survey definition under `Schemas/` could not be used: which file, and what to fix.
public struct SurveyDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or logical part) that is wrong.
    public var file: String
    /// What is wrong, in words a survey team can act on.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - file: The file (or logical part) that is wrong, as the survey team knows it, e.g. `frame.csv`.
    ///   - message: What is wrong and how to fix it, e.g. naming the line and the missing column.
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
