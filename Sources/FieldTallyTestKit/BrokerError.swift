/// Why a ``TestBroker`` could not be started.
public struct BrokerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do about it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameter message: What went wrong and what to do about it (e.g. the missing binary and how to install it).
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
