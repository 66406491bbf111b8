/// Settings of a group ``KafkaConsumer``. Only brokers, group and topics have no default.
///
/// Offsets are at-least-once: librdkafka never stores an offset by itself
/// (`enable.auto.offset.store=false`); the caller stores a batch's offsets
/// when it is done with it, and those are committed every `autoCommitInterval`,
/// on ``KafkaConsumer/commit()``, before partitions are revoked, and on close.
/// `additionalProperties` passes any librdkafka property through verbatim (TLS,
/// SASL…) and wins over the typed settings.
public struct KafkaConsumerConfiguration: Sendable, KafkaClientConfiguration {
    /// Where to start in a partition that has no committed offset (`auto.offset.reset`).
    public enum StartOffset: String, Sendable {
        /// The oldest retained record.
        case earliest
        /// Only records produced after the consumer joins.
        case latest
    }

    /// Which records of transactional producers are visible (`isolation.level`).
    public enum Isolation: String, Sendable {
        /// Only records of committed transactions (and non-transactional records).
        case readCommitted = "read_committed"
        /// Every record, including those of open or aborted transactions.
        case readUncommitted = "read_uncommitted"
    }

    /// Group membership timing.
    public struct Group: Sendable {
        /// A member is dropped after this long without heartbeats (`session.timeout.ms`).
        /// Default: 45 s (librdkafka's); tests use 6 s.
        public var sessionTimeout: Duration = .seconds(45)
        /// Heartbeat period (`heartbeat.interval.ms`). Default: 3 s; tests use 500 ms.
        public var heartbeatInterval: Duration = .seconds(3)
        /// Longest gap between fetches before the member leaves the group
        /// (`max.poll.interval.ms`). Default: 300 s.
        public var maxPollInterval: Duration = .seconds(300)
        /// Assignment strategies (`partition.assignment.strategy`), e.g.
        /// `["cooperative-sticky"]`. Default: `["range", "roundrobin"]`.
        public var assignmentStrategies: [String] = ["range", "roundrobin"]

        /// Creates the defaults.
        public init() {}
    }

    /// How records are grouped into batches for the caller.
    public struct Batching: Sendable {
        /// Most records in one batch. Default: 1,000.
        public var maxRecords: Int = 1_000
        /// Longest a partly filled batch waits for more records. Default: 100 ms.
        public var maxWait: Duration = .milliseconds(100)
        /// Batches fetched ahead of the caller; the consumer thread waits when
        /// they are all unclaimed. Default: 4.
        public var bufferedBatches: Int = 4

        /// Creates the defaults.
        public init() {}
    }

    /// Brokers to bootstrap from, `host:port` each (`bootstrap.servers`).
    public var bootstrapServers: [String]
    /// Consumer group (`group.id`).
    public var groupID: String
    /// Topics to subscribe to.
    public var topics: [String]
    /// Static membership id (`group.instance.id`): a restarted member with the
    /// same id gets its partitions back without a rebalance within the session
    /// timeout. Unique per instance. Default: nil (dynamic membership).
    public var groupInstanceID: String? = nil
    /// Client id shown in broker logs (`client.id`). Default: `"fieldtally"`.
    public var clientID: String = "fieldtally"
    /// Group membership timing.
    public var group = Group()
    /// Where to start without a committed offset. Default: ``StartOffset/earliest``.
    public var startOffset: StartOffset = .earliest
    /// Transaction visibility. Default: ``Isolation/readCommitted``.
    public var isolation: Isolation = .readCommitted
    /// How often stored offsets are committed in the background
    /// (`auto.commit.interval.ms`); nil commits only on ``KafkaConsumer/commit()``,
    /// revocation and close. Default: 5 s.
    public var autoCommitInterval: Duration? = .seconds(5)
    /// Batching of records handed to the caller.
    public var batching = Batching()
    /// Interval of librdkafka statistics on ``KafkaConsumer/events``
    /// (`statistics.interval.ms`). Default: nil (off).
    public var statisticsInterval: Duration? = nil
    /// Any librdkafka property, verbatim; overrides the typed settings. Default: empty.
    public var additionalProperties: [String: String] = [:]

    /// Creates a configuration with defaults for everything but brokers, group and topics.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Brokers to bootstrap from, `host:port` each; one reachable broker is enough.
    ///   - groupID: The consumer group; members with the same id share the topics' partitions and its committed offsets.
    ///   - topics: Topics to subscribe to; a topic that does not exist yet is assigned once it is created.
    public init(bootstrapServers: [String], groupID: String, topics: [String]) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
    }

    /// The typed settings as librdkafka properties (see ``KafkaClientConfiguration``).
    var clientProperties: [String: String] {
        var properties: [String: String] = [
            "group.id": groupID,
            "session.timeout.ms": String(group.sessionTimeout.wholeMilliseconds),
            "heartbeat.interval.ms": String(group.heartbeatInterval.wholeMilliseconds),
            "max.poll.interval.ms": String(group.maxPollInterval.wholeMilliseconds),
            "partition.assignment.strategy": group.assignmentStrategies.joined(separator: ","),
            "auto.offset.reset": startOffset.rawValue,
            "isolation.level": isolation.rawValue,
            "enable.auto.offset.store": "false",
            "enable.auto.commit": String(autoCommitInterval != nil),
            "statistics.interval.ms": String(statisticsInterval?.wholeMilliseconds ?? 0),
        ]
        if let autoCommitInterval {
            properties["auto.commit.interval.ms"] = String(autoCommitInterval.wholeMilliseconds)
        }
        if let groupInstanceID { properties["group.instance.id"] = groupInstanceID }
        return properties
    }
}
