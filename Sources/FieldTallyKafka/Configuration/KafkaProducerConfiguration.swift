/// Settings of a ``KafkaProducer``. Only `bootstrapServers` has no default.
///
/// Every typed setting maps to one librdkafka property; `additionalProperties`
/// passes anything else through verbatim (TLS: `security.protocol`,
/// `ssl.ca.location`…; SASL: `sasl.mechanisms`, `sasl.username`…) and wins over
/// the typed settings.
public struct KafkaProducerConfiguration: Sendable, KafkaClientConfiguration {
    /// Which acknowledgement a delivery waits for.
    public enum Acks: String, Sendable {
        /// All in-sync replicas (`acks=all`); required by idempotence and transactions.
        case all = "all"
        /// The partition leader only (`acks=1`).
        case leader = "1"
        /// No acknowledgement (`acks=0`): deliveries report success without offsets.
        case none = "0"
    }

    /// Compression codec for record batches (`compression.codec`).
    public enum Compression: String, Sendable {
        /// No compression.
        case none
        /// gzip.
        case gzip
        /// Snappy.
        case snappy
        /// LZ4.
        case lz4
        /// Zstandard.
        case zstd
    }

    /// How records are grouped into broker requests and how many may wait locally.
    public struct Batching: Sendable {
        /// How long to wait for more records before sending a batch (`linger.ms`).
        /// Default: 5 ms.
        public var linger: Duration = .milliseconds(5)
        /// Largest batch in bytes (`batch.size`). Default: 1,000,000.
        public var maxBatchBytes: Int = 1_000_000
        /// Largest batch in records (`batch.num.messages`). Default: 10,000.
        public var maxBatchRecords: Int = 10_000
        /// Records that may wait locally for delivery (`queue.buffering.max.messages`);
        /// beyond this a send waits (back-pressure). Default: 100,000.
        public var maxQueuedRecords: Int = 100_000
        /// Kilobytes that may wait locally (`queue.buffering.max.kbytes`). Default: 1,048,576 (1 GiB).
        public var maxQueuedKilobytes: Int = 1_048_576

        /// Creates the defaults.
        public init() {}
    }

    /// Brokers to bootstrap from, `host:port` each (`bootstrap.servers`).
    public var bootstrapServers: [String]
    /// Client id shown in broker logs (`client.id`). Default: `"fieldtally"`.
    public var clientID: String = "fieldtally"
    /// Exactly-once, in-order delivery per partition (`enable.idempotence`). Default: true.
    public var idempotence: Bool = true
    /// Makes this a transactional producer (`transactional.id`); call
    /// ``KafkaProducer/initTransactions(timeout:)`` before the first transaction.
    /// Default: nil (not transactional).
    public var transactionalID: String? = nil
    /// Longest a transaction may stay open before the broker aborts it
    /// (`transaction.timeout.ms`). Default: 60 s.
    public var transactionTimeout: Duration = .seconds(60)
    /// Acknowledgement to wait for (`acks`). Default: ``Acks/all``.
    public var acks: Acks = .all
    /// Batching and local queue limits.
    public var batching = Batching()
    /// Compression of record batches. Default: ``Compression/none``.
    public var compression: Compression = .none
    /// How long librdkafka keeps trying to deliver a record before its delivery
    /// fails with ``KafkaError/Code/messageTimedOut`` (`message.timeout.ms`). Default: 30 s.
    public var deliveryTimeout: Duration = .seconds(30)
    /// How long a send waits for room in a full local queue before failing with
    /// ``KafkaError/Code/queueFull``. Default: 30 s.
    public var enqueueTimeout: Duration = .seconds(30)
    /// Interval of librdkafka statistics on ``KafkaProducer/events``
    /// (`statistics.interval.ms`). Default: nil (off).
    public var statisticsInterval: Duration? = nil
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
        var properties: [String: String] = [
            "enable.idempotence": String(idempotence),
            "acks": acks.rawValue,
            "linger.ms": String(batching.linger.wholeMilliseconds),
            "batch.size": String(batching.maxBatchBytes),
            "batch.num.messages": String(batching.maxBatchRecords),
            "queue.buffering.max.messages": String(batching.maxQueuedRecords),
            "queue.buffering.max.kbytes": String(batching.maxQueuedKilobytes),
            "compression.codec": compression.rawValue,
            "message.timeout.ms": String(deliveryTimeout.wholeMilliseconds),
            "statistics.interval.ms": String(statisticsInterval?.wholeMilliseconds ?? 0),
        ]
        if let transactionalID {
            properties["transactional.id"] = transactionalID
            properties["transaction.timeout.ms"] = String(transactionTimeout.wholeMilliseconds)
        }
        return properties
    }
}
