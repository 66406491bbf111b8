import Foundation
import Synchronization

/// A named OS thread running one long loop (a poll or consume loop), with an
/// async wait for its end. librdkafka's blocking polls live here, never on the
/// cooperative pool.
final class DedicatedThread: Sendable {
    private final class Completion: Sendable {
        /// Waiters until the loop returns, then nil.
        let waiters = Lock<[CheckedContinuation<Void, Never>]?>([])

        func finish() {
            let waiters = waiters.withLock { waiters in
                defer { waiters = nil }
                return waiters ?? []
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    private let completion = Completion()

    /// Starts `body` on a new thread named `name`.
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [completion] in
            body()
            completion.finish()
        }
        thread.name = name
        thread.start()
    }

    /// Whether the loop has returned.
    var isFinished: Bool {
        completion.waiters.withLock { $0 == nil }
    }

    /// Suspends until the loop has returned.
    func join() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = completion.waiters.withLock { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters!.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }
}
