/// A survey definition under `Schemas/` could not be used: which file, and what to fix.
public struct SurveyDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or logical part) that is wrong.
    public var file: String
    /// What is wrong, in words a survey team can act on.
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
