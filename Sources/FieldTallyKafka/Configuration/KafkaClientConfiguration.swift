/// What every client configuration has (brokers, a client id, pass-through properties), and
/// the one translation of a configuration into librdkafka's key/value pairs.
protocol KafkaClientConfiguration {
    /// Brokers to bootstrap from, `host:port` each (`bootstrap.servers`).
    var bootstrapServers: [String] { get }
    /// Client id shown in broker logs (`client.id`).
    var clientID: String { get }
    /// Any librdkafka property, verbatim; overrides the typed settings.
    var additionalProperties: [String: String] { get }
    /// This kind of client's typed settings as librdkafka properties (without the brokers and client id).
    var clientProperties: [String: String] { get }
}

extension KafkaClientConfiguration {
    /// The librdkafka properties this configuration stands for: the brokers, the client id and
    /// the client's typed settings, each overridden by `additionalProperties`.
    var librdkafkaProperties: [String: String] {
        var properties = clientProperties
        properties["bootstrap.servers"] = bootstrapServers.joined(separator: ",")
        properties["client.id"] = clientID
        properties.merge(additionalProperties) { _, passedThrough in passedThrough }
        return properties
    }
}
