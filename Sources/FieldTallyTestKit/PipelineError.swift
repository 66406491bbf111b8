/// A ``PipelineFixture`` step that did not happen as the test needs: what failed, with the
/// tail of the workers' logs where they explain it.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and, where useful, the workers' log tails.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
