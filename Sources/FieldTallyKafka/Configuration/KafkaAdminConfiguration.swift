/// Settings of a ``KafkaAdmin`` client.
public struct KafkaAdminConfiguration: Sendable, KafkaClientConfiguration {
    /// Brokers to bootstrap from, `host:port` each (`bootstrap.servers`).
    public var bootstrapServers: [String]
    /// Client id shown in broker logs (`client.id`). Default: `"fieldtally-admin"`.
    public var clientID: String = "fieldtally-admin"
    /// Timeout of each admin request. Default: 30 s.
    public var requestTimeout: Duration = .seconds(30)
    /// Any librdkafka property, verbatim (TLS, SASL…). Default: empty.
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
            "allow.auto.create.topics": "false"
        ]
    }
}
