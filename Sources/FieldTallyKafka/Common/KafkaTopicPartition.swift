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
