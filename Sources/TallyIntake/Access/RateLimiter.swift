import Foundation
import Synchronization

/// A token bucket: `burst` requests at once, refilled at `perSecond`.
public final class RateLimiter: Sendable {
    private let perSecond: Double
    private let burst: Double
    private let state: Mutex<(tokens: Double, at: ContinuousClock.Instant)>

    /// A full bucket.
    /// - Parameters:
    ///   - perSecond: the sustained rate.
    ///   - burst: how many requests may come at once.
    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(max(1, burst))
        state = Mutex((Double(max(1, burst)), ContinuousClock.now))
    }

    /// Takes a token: `nil` when one was there, else the seconds until one will be.
    public func take() -> Double? {
        state.withLock { state in
            let now = ContinuousClock.now
            state.tokens = min(burst, state.tokens + (now - state.at) / .seconds(1) * perSecond)
            state.at = now
            guard state.tokens >= 1 else { return (1 - state.tokens) / perSecond }
            state.tokens -= 1
            return nil
        }
    }
}
