/// A failure of the worker itself (not of its input), with a sentence saying what went wrong
/// and what to do about it.
public struct WorkerError: Error, CustomStringConvertible, Sendable {
    /// The sentence.
    public var description: String

    /// An error saying `description`.
    /// - Parameter description: what went wrong, naming the topic, file or setting, and what to do.
    public init(_ description: String) { self.description = description }
}
