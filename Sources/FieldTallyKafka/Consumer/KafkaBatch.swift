/// Records handed out together, and the positions to commit once they are processed.
public struct KafkaBatch: Sendable {
    /// The records, in partition order within each partition.
    public var records: [KafkaRecord]
    /// Per partition in this batch, the offset after its last record: what
    /// ``KafkaConsumer/storeOffsets(for:)`` stores.
    public var nextOffsets: [KafkaTopicPartitionOffset]

    /// Creates a batch (for tests and replays).
    ///
    /// - Parameters:
    ///   - records: The records, in offset order within each partition.
    ///   - nextOffsets: Per partition, the offset after its last record in `records`; not checked against them.
    public init(records: [KafkaRecord], nextOffsets: [KafkaTopicPartitionOffset]) {
        self.records = records
        self.nextOffsets = nextOffsets
    }

    /// Number of records.
    public var count: Int { records.count }

    /// True when the batch has no records.
    public var isEmpty: Bool { records.isEmpty }

    /// The batch without the records of `partitions` (used when they are revoked).
    func removing(_ partitions: Set<KafkaTopicPartition>) -> KafkaBatch {
        KafkaBatch(
            records: records.filter { !partitions.contains($0.topicPartition) },
            nextOffsets: nextOffsets.filter { !partitions.contains($0.topicPartition) }
        )
    }
}
