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
    ///
    /// - Parameters:
    ///   - name: The topic's name (Kafka allows letters, digits, `.`, `_` and `-`, up to 249 characters).
    ///   - partitions: Number of partitions, at least 1. Default: 1.
    ///   - replicationFactor: Copies of each partition; -1 uses the broker's `default.replication.factor`. Default: -1.
    ///   - config: Topic configuration entries, e.g. `["cleanup.policy": "compact"]`. Default: empty.
    public init(name: String, partitions: Int = 1, replicationFactor: Int = -1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}
