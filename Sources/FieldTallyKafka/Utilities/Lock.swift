import Crdkafka
import Synchronization

/// A `Mutex` whose critical sections ThreadSanitizer can see.
///
/// `Synchronization.Mutex` locks with futex syscalls on Linux, invisible to
/// TSan, which then reports races between critical sections of the same lock.
/// This wrapper announces acquire/release on its own address to TSan (a no-op
/// in builds without TSan); otherwise it is a plain `Mutex`.
final class Lock<Value>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: sending Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with exclusive access to the value.
    func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        let address = Unmanaged.passUnretained(self).toOpaque()
        return try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            fieldtally_tsan_acquire(address)
            defer { fieldtally_tsan_release(address) }
            return try body(&value)
        }
    }
}
