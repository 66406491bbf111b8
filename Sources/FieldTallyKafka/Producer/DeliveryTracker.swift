import Crdkafka
import Synchronization

/// Collects the delivery reports of one batch of records and wakes whoever awaits them.
///
/// Each record is enqueued with a pointer to its slot (tracker + index) as
/// librdkafka's per-message opaque. The poll thread's delivery callback fills the
/// record's outcome; the last outcome completes the batch. One lock per report,
/// one allocation for all slots, one continuation per batch.
final class DeliveryTracker: Sendable {
    struct Slot {
        let tracker: Unmanaged<DeliveryTracker>
        let index: Int
    }

    private struct State {
        var partitions: [Int32]
        var offsets: [Int64]
        var errors: [Int: KafkaError] = [:]
        var remaining: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Lock<State>
    private let slots: SendableOpaquePointer?
    let count: Int

    init(count: Int) {
        self.count = count
        state = Lock(State(partitions: Array(repeating: -1, count: count), offsets: Array(repeating: -1, count: count), remaining: count))
        if count > 0 {
            slots = SendableOpaquePointer(OpaquePointer(UnsafeMutablePointer<Slot>.allocate(capacity: count)))
        } else {
            slots = nil
        }
        guard let slots else { return }
        // Released by the last outcome, so in-flight slots never outlive their tracker.
        let retained = Unmanaged.passRetained(self)
        let base = UnsafeMutablePointer<Slot>(slots.pointer)
        for index in 0..<count {
            (base + index).initialize(to: Slot(tracker: retained, index: index))
        }
    }

    deinit {
        if let slots {
            let base = UnsafeMutablePointer<Slot>(slots.pointer)
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    /// The opaque pointer to pass with record `index`.
    func opaque(for index: Int) -> UnsafeMutableRawPointer? {
        slots.map { UnsafeMutableRawPointer(UnsafeMutablePointer<Slot>($0.pointer) + index) }
    }

    /// Records that record `index` was acknowledged (or failed with `error`).
    func complete(index: Int, partition: Int32, offset: Int64, error: KafkaError?) {
        let (waiters, finished) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool) in
            state.partitions[index] = partition
            state.offsets[index] = offset
            if let error { state.errors[index] = error }
            state.remaining -= 1
            guard state.remaining == 0 else { return ([], false) }
            defer { state.waiters = [] }
            return (state.waiters, true)
        }
        guard finished else { return }
        Unmanaged.passUnretained(self).release()
        for waiter in waiters { waiter.resume() }
    }

    /// Marks records `indices` failed without enqueueing them.
    func fail<S: Sequence<Int>>(_ indices: S, _ error: KafkaError) {
        for index in indices { complete(index: index, partition: -1, offset: -1, error: error) }
    }

    /// Waits until every record has an outcome, then returns them in record order.
    func results() async -> [KafkaDeliveryResult] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.remaining == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return state.withLock { state in
            (0..<count).map { index in
                if let error = state.errors[index] { return .failure(error) }
                return .success(KafkaDeliveryReport(partition: Int(state.partitions[index]), offset: state.offsets[index]))
            }
        }
    }

    /// Reports in record order, or the first failure (saying how many failed).
    func reports() async throws(KafkaError) -> [KafkaDeliveryReport] {
        let results = await results()
        var reports: [KafkaDeliveryReport] = []
        reports.reserveCapacity(results.count)
        var failures = 0
        var first: KafkaError?
        for result in results {
            switch result {
            case .success(let report): reports.append(report)
            case .failure(let error):
                failures += 1
                if first == nil { first = error }
            }
        }
        if var first {
            if failures > 1 { first.message += " (\(failures) of \(results.count) records in this batch failed)" }
            throw first
        }
        return reports
    }
}

/// librdkafka's delivery-report callback (`dr_msg_cb`), run on the producer's poll thread.
func deliveryReportCallback(
    _ rk: OpaquePointer?,
    _ message: UnsafePointer<rd_kafka_message_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let message, let slotPointer = message.pointee._private else { return }
    let slot = slotPointer.assumingMemoryBound(to: DeliveryTracker.Slot.self).pointee
    let tracker = slot.tracker.takeUnretainedValue()
    let err = message.pointee.err
    var error: KafkaError?
    if err != RD_KAFKA_RESP_ERR_NO_ERROR {
        error = deliveryError(err, message: message, opaque: opaque)
    }
    tracker.complete(index: slot.index, partition: message.pointee.partition, offset: message.pointee.offset, error: error)
}

private func deliveryError(
    _ err: rd_kafka_resp_err_t,
    message: UnsafePointer<rd_kafka_message_t>,
    opaque: UnsafeMutableRawPointer?
) -> KafkaError {
    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
    let callbacks = RDKafkaCallbacks.from(opaque)
    var context = "\(callbacks?.clientDescription ?? "producer"): delivery to topic '\(topic)'"
    if message.pointee.partition >= 0 { context += " partition \(message.pointee.partition)" }
    var error = KafkaError(err, context)
    if let recent = callbacks?.mostRecentError, recent.code != error.code {
        error.message += " (most recent client error: \(recent.message))"
    }
    if let fatal = callbacks?.fatal {
        error.isFatal = true
        error.message += " (\(fatal.message))"
    }
    return error
}
