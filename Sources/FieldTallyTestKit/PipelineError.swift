/// A ``PipelineFixture`` step that did not happen as the test needs: what failed, with the
/// tail of the workers' logs where they explain it.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and, where useful, the workers' log tails.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameter message: What went wrong, naming the worker or command, followed by the log tails that explain it.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
