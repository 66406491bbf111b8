/// A topic to create.
public struct KafkaTopicSpec: Sendable, Hashable {
    /// The topic's name.
    public var name: String
    /// Number of partitions. Default: 1.
    public var partitions: Int
    /// Copies of each partition; -1 uses the broker's default. Default: -1.
    public var replicationFactor: Int
    /// Topic configuration, e.g. `["cleanup.policy": "compact"]`. Default: empty.
    public var config: [String: String]

    /// Creates a topic specification.
    public init(name: String, partitions: Int = 1, replicationFactor: Int = -1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}
