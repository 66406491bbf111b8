/// Settings of a ``KafkaTopicReader``, which reads whole topics without a consumer group.
public struct KafkaReaderConfiguration: Sendable, KafkaClientConfiguration {
    /// Brokers to bootstrap from, `host:port` each (`bootstrap.servers`).
    public var bootstrapServers: [String]
    /// Client id shown in broker logs (`client.id`). Default: `"fieldtally-reader"`.
    public var clientID: String = "fieldtally-reader"
    /// Transaction visibility. Default: read committed.
    public var isolation: KafkaConsumerConfiguration.Isolation = .readCommitted
    /// Batching of records handed to the caller.
    public var batching = KafkaConsumerConfiguration.Batching()
    /// Timeout of metadata and watermark requests. Default: 10 s.
    public var requestTimeout: Duration = .seconds(10)
    /// Any librdkafka property, verbatim; overrides the typed settings. Default: empty.
    public var additionalProperties: [String: String] = [:]

    /// Creates a configuration with defaults for everything but the brokers.
    ///
    /// - Parameter bootstrapServers: Brokers to bootstrap from, `host:port` each; one reachable broker is enough.
    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }

    /// The typed settings as librdkafka properties (see ``KafkaClientConfiguration``).
    var clientProperties: [String: String] {
        [
            "allow.auto.create.topics": "false",
            "isolation.level": isolation.rawValue,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "enable.partition.eof": "true",
        ]
    }
}
