/// A topic as the cluster describes it.
public struct KafkaTopicDescription: Sendable, Hashable {
    /// The topic's name.
    public var name: String
    /// Partition ids, ascending.
    public var partitions: [Int]
}
