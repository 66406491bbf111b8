/// A partition of a topic.
public struct KafkaTopicPartition: Sendable, Hashable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition number, from 0.
    public var partition: Int

    /// Creates a topic-partition.
    ///
    /// - Parameters:
    ///   - topic: The topic's name.
    ///   - partition: The partition number, from 0.
    public init(topic: String, partition: Int) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic[partition]`.
    public var description: String { "\(topic)[\(partition)]" }
}

/// A position in a partition: for commits, the offset of the NEXT record to read.
public struct KafkaTopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition number, from 0.
    public var partition: Int
    /// The offset.
    public var offset: Int64

    /// Creates a position.
    ///
    /// - Parameters:
    ///   - topic: The topic's name.
    ///   - partition: The partition number, from 0.
    ///   - offset: The offset; for a commit, the last processed offset + 1. librdkafka's logical offsets
    ///     (-2 beginning, -1 end, -1001 invalid) pass through unchanged.
    public init(topic: String, partition: Int, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// The topic-partition without the offset.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// `topic[partition]@offset`.
    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}
