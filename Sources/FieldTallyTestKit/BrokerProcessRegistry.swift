import Foundation
import Synchronization

/// Process ids of running brokers, so they are stopped when the process exits
/// normally even if a ``TestBroker`` was never released. (A killed process is
/// covered by each broker's watchdog.)
enum BrokerProcessRegistry {
    private static let running = Mutex<Set<Int32>>([])
    private static let exitHookInstalled = Atomic<Bool>(false)

    static func register(_ pid: Int32) {
        running.withLock { _ = $0.insert(pid) }
        if !exitHookInstalled.exchange(true, ordering: .acquiringAndReleasing) {
            atexit { BrokerProcessRegistry.terminateAll() }
        }
    }

    static func unregister(_ pid: Int32) {
        running.withLock { _ = $0.remove(pid) }
    }

    static func terminateAll() {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
    }
}
