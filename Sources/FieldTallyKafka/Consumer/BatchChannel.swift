import Dispatch
import Synchronization

/// Hands batches from a consumer thread to one async reader, at most `capacity`
/// ahead: the thread blocks (on its own thread, never the cooperative pool)
/// while the buffer is full, which is back-pressure on fetching.
final class BatchChannel: Sendable {
    private typealias Waiter = CheckedContinuation<Result<KafkaBatch?, KafkaError>, Never>

    private struct State {
        /// At most `capacity` batches, oldest first. A popped batch leaves the array at once, so the
        /// records kept alive are bounded by `capacity` batches (plus the one the reader holds), whatever
        /// the number of batches that passed through; at 6,000 records of 2 KB a batch, each is ~12 MB.
        var buffered: [KafkaBatch] = []
        var waiter: Waiter?
        var finished = false
        var failure: KafkaError?
        var bufferedCount: Int { buffered.count }

        mutating func popFirst() -> KafkaBatch? {
            buffered.isEmpty ? nil : buffered.removeFirst()
        }
    }

    private let state = Lock(State())
    /// Free buffer slots.
    private let space: DispatchSemaphore

    init(capacity: Int) {
        space = DispatchSemaphore(value: max(1, capacity))
    }

    /// Called by the consumer thread: waits for room (checking `shouldStop` every
    /// 100 ms), then hands `batch` to a waiting reader or buffers it. Returns
    /// false when it stopped waiting.
    func put(_ batch: KafkaBatch, shouldStop: () -> Bool) -> Bool {
        while space.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if shouldStop() { return false }
        }
        let waiter = state.withLock { state -> Waiter? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(batch)
            return nil
        }
        if let waiter {
            space.signal()  // handed over directly: the slot is free again
            waiter.resume(returning: .success(batch))
        }
        return true
    }

    /// Called by the reader: the next batch, nil once finished (or when the
    /// waiting task is cancelled); throws the error the channel failed with.
    func next() async throws(KafkaError) -> KafkaBatch? {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Waiter) in
                let immediate = state.withLock { state -> Result<KafkaBatch?, KafkaError>? in
                    if let batch = state.popFirst() { return .success(batch) }
                    if let failure = state.failure { return .failure(failure) }
                    if state.finished || Task.isCancelled { return .success(nil) }
                    if state.waiter != nil {
                        return .failure(KafkaError(code: .state, message: "nextBatch() called concurrently from two tasks"))
                    }
                    state.waiter = continuation
                    return nil
                }
                if let immediate {
                    if case .success(.some) = immediate { space.signal() }
                    continuation.resume(returning: immediate)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: .success(nil))
        }
        return try result.get()
    }

    /// Drops unclaimed records of `partitions` (they are being revoked, and will be
    /// read again by their next owner from the committed offset).
    func drop(_ partitions: Set<KafkaTopicPartition>) {
        let freed = state.withLock { state -> Int in
            let before = state.bufferedCount
            let kept = state.buffered.map { $0.removing(partitions) }.filter { !$0.isEmpty }
            state.buffered = kept
            return before - kept.count
        }
        for _ in 0..<freed { space.signal() }
    }

    /// Ends the stream: the reader gets buffered batches, then nil (or `error`).
    func finish(_ error: KafkaError? = nil) {
        let waiter = state.withLock { state -> Waiter? in
            state.finished = true
            if let error, state.failure == nil { state.failure = error }
            defer { state.waiter = nil }
            return state.waiter
        }
        if let error {
            waiter?.resume(returning: .failure(error))
        } else {
            waiter?.resume(returning: .success(nil))
        }
    }
}
