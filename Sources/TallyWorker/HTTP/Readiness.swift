import Synchronization

/// Whether a worker can serve: set by the worker runtime, read by `/healthz`.
public final class Readiness: Sendable {
    private let state = Mutex<(ready: Bool, reason: String)>((false, "starting"))

    public init() {}

    /// Marks the worker ready (assigned, state restored, caught up enough to serve).
    public func markReady() { state.withLock { $0 = (true, "ready") } }

    /// Marks the worker not ready, saying why; `/healthz` then answers 503.
    /// - Parameter reason: a short sentence for operators, returned as `/healthz`'s body (e.g. `waiting for a partition assignment`).
    public func markNotReady(_ reason: String) { state.withLock { $0 = (false, reason) } }

    /// The current answer: ready or not, and why.
    public var current: (ready: Bool, reason: String) { state.withLock { $0 } }
}
