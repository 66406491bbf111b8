import Dispatch
import FieldTallyKafka
import Foundation
import Logging
import Synchronization

/// Exit statuses a worker process uses besides 0 (a clean stop) and ArgumentParser's usage errors.
public enum WorkerExit {
    /// The graceful shutdown did not finish within `shutdownTimeout`: uncommitted offsets were
    /// abandoned (EX_TEMPFAIL). Whoever owns the partitions next processes those records again,
    /// which every stage does idempotently, so nothing is lost or counted twice.
    public static let shutdownTimedOut: Int32 = 75
}

/// Bounds a graceful shutdown: once armed, the process exits with
/// ``WorkerExit/shutdownTimedOut`` when it is still running `timeout` later, unless the work it
/// guards has ended first and ``disarm()`` was called.
///
/// The deadline runs on a Dispatch queue, not on Swift's cooperative pool, so it fires even when
/// every cooperative thread is blocked in a call that waits for a broker that has gone away.
/// Disarming matters where the guarded service runs inside a longer-lived process (`tally
/// replay`, tests): a shutdown that finished in time must not end that process later.
public final class ShutdownWatchdog: Sendable {
    private enum State {
        case idle
        case armed
        case disarmed
    }

    private let timeout: Duration
    private let logger: Logger
    private let state = Mutex(State.idle)

    /// A watchdog that is not yet armed.
    /// - Parameters:
    ///   - timeout: how long after ``arm(reason:)`` the process may still run.
    ///   - logger: where the line saying why the process exits goes.
    public init(timeout: Duration, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    /// Starts the countdown; calls after the first, or after ``disarm()``, do nothing.
    /// - Parameter reason: what started the shutdown, for the log.
    public func arm(reason: String) {
        let first = state.withLock { state in
            guard case .idle = state else { return false }
            state = .armed
            return true
        }
        guard first else { return }
        logger.info("shutting down", metadata: ["reason": "\(reason)", "timeout_ms": "\(timeout.wholeMilliseconds)"])
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout.wholeMilliseconds))) {
            self.expire()
        }
    }

    /// True between ``arm(reason:)`` and ``disarm()``: the deadline, when it comes, ends the process.
    public var isPending: Bool {
        state.withLock { state in
            if case .armed = state { return true }
            return false
        }
    }

    /// The guarded work has ended: a pending deadline does nothing and later ``arm(reason:)`` calls are ignored.
    public func disarm() {
        state.withLock { $0 = .disarmed }
    }

    /// The deadline: exits the process unless the work ended in time.
    private func expire() {
        guard isPending else { return }
        logger.critical(
            "shutdown did not finish in time: abandoning uncommitted offsets (their records are processed again after a restart) and exiting",
            metadata: ["timeout_ms": "\(timeout.wholeMilliseconds)", "exit_status": "\(WorkerExit.shutdownTimedOut)"]
        )
        fflush(nil)  // every C stream; the log handler writes standard error unbuffered
        _exit(WorkerExit.shutdownTimedOut)
    }
}
