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
/// ``WorkerExit/shutdownTimedOut`` when it is still running `timeout` later.
///
/// The deadline runs on a Dispatch queue, not on Swift's cooperative pool, so it fires even when
/// every cooperative thread is blocked in a call that waits for a broker that has gone away.
public final class ShutdownWatchdog: Sendable {
    private let timeout: Duration
    private let logger: Logger
    private let armed = Mutex(false)

    /// A watchdog that is not yet armed.
    /// - Parameters:
    ///   - timeout: how long after ``arm(reason:)`` the process may still run.
    ///   - logger: where the line saying why the process exits goes.
    public init(timeout: Duration, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    /// Starts the countdown; later calls do nothing.
    /// - Parameter reason: what started the shutdown, for the log.
    public func arm(reason: String) {
        let first = armed.withLock { armed in
            defer { armed = true }
            return !armed
        }
        guard first else { return }
        let timeout = timeout
        let logger = logger
        logger.info("shutting down", metadata: ["reason": "\(reason)", "timeout_ms": "\(timeout.wholeMilliseconds)"])
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout.wholeMilliseconds))) {
            logger.critical(
                "shutdown did not finish in time: abandoning uncommitted offsets (their records are processed again after a restart) and exiting",
                metadata: ["timeout_ms": "\(timeout.wholeMilliseconds)", "exit_status": "\(WorkerExit.shutdownTimedOut)"]
            )
            fflush(nil)  // every C stream; the log handler writes standard error unbuffered
            _exit(WorkerExit.shutdownTimedOut)
        }
    }
}
