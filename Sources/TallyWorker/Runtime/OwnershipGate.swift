import FieldTallyKafka
import Foundation

/// Keeps batches and a revocation from overlapping: the partitions a worker owns, and how many
/// batches are in flight (one being processed while the one before it is delivered).
///
/// The processing loop `admit`s a batch (dropping records of partitions it no longer owns) and
/// `finish`es it once its output is acknowledged and its offsets stored; the rebalance callback
/// `revoke`s partitions, which waits (blocking the consumer thread, as librdkafka expects) until
/// no batch is in flight. So state is never released under a batch that still uses it.
final class OwnershipGate: @unchecked Sendable {
    // @unchecked: every member is read and written only under `condition`'s lock.
    private let condition = NSCondition()
    private var owned: Set<KafkaTopicPartition> = []
    private var unprepared: Set<KafkaTopicPartition> = []
    private var preparing: Set<KafkaTopicPartition> = []
    private var inFlight = 0
    private var everAssigned = false

    /// Records newly assigned partitions; they need `prepare` before use.
    func assign(_ partitions: [KafkaTopicPartition]) {
        condition.withLock {
            owned.formUnion(partitions)
            unprepared.formUnion(partitions)
            everAssigned = true
        }
    }

    /// Removes partitions, after any batch in flight finished.
    func revoke(_ partitions: [KafkaTopicPartition]) {
        condition.lock()
        defer { condition.unlock() }
        owned.subtract(partitions)
        unprepared.subtract(partitions)
        preparing.subtract(partitions)
        while inFlight > 0 { condition.wait() }
    }

    /// Starts a batch: the records of owned partitions, and the partitions to prepare first —
    /// when any record's partition still needs preparing, every owned partition that does, so
    /// one restore (one read of a changelog) serves them all instead of one per first record.
    func admit(_ records: [KafkaRecord]) -> (records: [KafkaRecord], unprepared: [KafkaTopicPartition]) {
        condition.withLock {
            inFlight += 1
            let kept = records.filter { owned.contains($0.topicPartition) }
            let needing = kept.contains { unprepared.contains($0.topicPartition) } ? unprepared : []
            return (kept, needing.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) })
        }
    }

    /// Notes that `partitions` are being prepared (e.g. their state restored) right now.
    func preparing(_ partitions: [KafkaTopicPartition]) {
        condition.withLock { preparing.formUnion(partitions) }
    }

    /// Marks partitions prepared.
    func prepared(_ partitions: [KafkaTopicPartition]) {
        condition.withLock {
            unprepared.subtract(partitions)
            preparing.subtract(partitions)
        }
    }

    /// Ends one batch in flight.
    func finish() {
        condition.withLock {
            inFlight -= 1
            if inFlight == 0 { condition.broadcast() }
        }
    }

    /// Owned partitions, those still needing preparation (done when their first record comes),
    /// those being prepared now, and whether any assignment was ever received.
    var status:
        (
            owned: Set<KafkaTopicPartition>, unprepared: Set<KafkaTopicPartition>, preparing: Set<KafkaTopicPartition>,
            everAssigned: Bool
        )
    {
        condition.withLock { (owned, unprepared, preparing, everAssigned) }
    }
}
