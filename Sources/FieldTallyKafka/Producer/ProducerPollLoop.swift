import Crdkafka
import Synchronization

/// The producer's dedicated poll thread: serves delivery reports, errors and
/// statistics, and wakes senders waiting for room in a full local queue.
final class ProducerPollLoop: Sendable {
    /// State shared between the poll thread and senders.
    private final class Signals: Sendable {
        let stopRequested = Atomic<Bool>(false)
        /// nil once the thread has ended: later waiters return at once.
        let waiters = Lock<[CheckedContinuation<Void, Never>]?>([])
        let waiterCount = Atomic<Int>(0)

        func wakeWaiters(final: Bool = false) {
            let ready = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
                let current = waiters ?? []
                waiters = final ? nil : []
                return current
            }
            waiterCount.subtract(ready.count, ordering: .relaxed)
            for waiter in ready { waiter.resume() }
        }
    }

    private let signals: Signals
    private let thread: DedicatedThread

    /// Starts polling `client` on a new thread named `name`.
    init(client: RDKafkaClient, name: String) {
        let signals = Signals()
        self.signals = signals
        thread = DedicatedThread(name: name) {
            let rk = client.pointer
            while !signals.stopRequested.load(ordering: .acquiring) {
                rd_kafka_poll(rk, 100)
                if signals.waiterCount.load(ordering: .relaxed) > 0 { signals.wakeWaiters() }
            }
            // Whatever is still queued fails with a purge error, so no awaiting sender hangs.
            rd_kafka_purge(rk, Int32(fieldtally_purge_queue_and_inflight))
            var rounds = 0
            while rd_kafka_outq_len(rk) > 0 && rounds < 100 {
                rd_kafka_poll(rk, 50)
                rounds += 1
            }
            rd_kafka_poll(rk, 0)
            signals.wakeWaiters(final: true)
        }
    }

    /// Suspends until the poll thread has served another round of events
    /// (deliveries free queue room), at most about 100 ms.
    func waitForProgress() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let registered = signals.waiters.withLock { waiters -> Bool in
                guard waiters != nil else { return false }
                waiters!.append(continuation)
                return true
            }
            if registered {
                signals.waiterCount.add(1, ordering: .relaxed)
            } else {
                continuation.resume()
            }
        }
    }

    /// Asks the thread to purge what is left and stop; ``join()`` waits for it.
    func stop() {
        signals.stopRequested.store(true, ordering: .releasing)
    }

    /// Waits until the thread has finished.
    func join() async {
        await thread.join()
    }
}
