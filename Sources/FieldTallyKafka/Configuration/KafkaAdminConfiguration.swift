/// Settings of a ``KafkaAdmin`` client.
public struct KafkaAdminConfiguration: Sendable {
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

    /// The librdkafka properties this configuration stands for.
    var librdkafkaProperties: [String: String] {
        var properties: [String: String] = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            "allow.auto.create.topics": "false",
        ]
        properties.merge(additionalProperties) { _, passedThrough in passedThrough }
        return properties
    }
}
