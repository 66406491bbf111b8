import FieldTallyKafka
import Logging

/// Everything a FieldTally worker needs to run, resolved from flags and environment variables.
///
/// Each property documents its default; `WorkerOptions` maps flags (`--brokers`) and environment
/// variables (`TALLY_BROKERS`) onto it, flags winning.
public struct WorkerConfiguration: Sendable {
    /// Topic names; ARCHITECTURE.md's defaults.
    public struct Topics: Sendable {
        /// Default: `survey.submissions`.
        public var submissions = "survey.submissions"
        /// Default: `survey.valid`.
        public var valid = "survey.valid"
        /// Default: `survey.coded`.
        public var coded = "survey.coded"
        /// Default: `survey.rejected`.
        public var rejected = "survey.rejected"
        /// Default: `survey.tallies` (compacted).
        public var tallies = "survey.tallies"
        /// Default: `survey.aggregate-changelog` (compacted).
        public var changelog = "survey.aggregate-changelog"
        /// Default: `survey.coding-review` (compacted): the texts the coder could not settle.
        public var codingReview = "survey.coding-review"
        /// Partitions for topics this worker creates when they are missing. Default: 6.
        public var partitions = 6

        public init() {}
    }

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// One JSON object per line (the default: for log shippers).
        case json
        /// A readable line per event, for a person at a terminal.
        case human
    }

    /// Bootstrap servers, each `host:port`. Default: `["127.0.0.1:9092"]`.
    public var brokers = ["127.0.0.1:9092"]
    /// The survey definitions folder. Default: `Schemas`.
    public var schemas = "Schemas"
    /// Topic names and partitioning.
    public var topics = Topics()
    /// Consumer group id. Default: the worker's name (e.g. `tally-validate`).
    public var group: String
    /// Static membership id (`group.instance.id`), or `nil` for dynamic membership. Default: `nil`.
    public var instanceID: String?
    /// Port for `/healthz` and `/metrics`; 0 picks a free port. Default: 9464.
    public var httpPort = 9464
    /// Address the HTTP server binds. Default: `0.0.0.0` (containers); tests use `127.0.0.1`.
    public var httpHost = "0.0.0.0"
    /// Any librdkafka property (TLS, SASL, timeouts), applied to every client last, so it wins.
    /// Default: none.
    public var kafkaProperties: [String: String] = [:]
    /// Log line format. Default: `.json`.
    public var logFormat = LogFormat.json
    /// Lowest level logged. Default: `.info`.
    public var logLevel = Logger.Level.info
    /// Most records handled as one batch (one produce-and-commit round). Default: 6,000: each
    /// batch waits for its outputs' acknowledgements, so under load bigger batches spend less of
    /// the time waiting. A batch closes earlier after `maxBatchWait`, so light traffic keeps its
    /// latency.
    public var maxBatch = 6_000
    /// Longest a partly filled batch waits for more records before it is handled. Each worker
    /// on the way to a tally adds up to this much latency at low rates; at high rates batches
    /// fill before it passes. Default: 20 ms.
    public var maxBatchWait: Duration = .milliseconds(20)
    /// Longest the broker may hold a fetch that found no new records (`fetch.wait.max.ms`; a
    /// `--kafka-property` wins). Kafka answers as soon as records arrive, so this costs only idle
    /// fetch requests; brokers that hold the fetch for the whole wait (Tansu) add up to this much
    /// latency per worker, so librdkafka's 500 ms would add up to half a second per hop there.
    /// Default: 20 ms.
    public var fetchWait: Duration = .milliseconds(20)
    /// The bound on a graceful shutdown (SIGTERM or SIGINT), from the signal to the process's
    /// exit. Within it the worker finishes the batches in hand, commits and leaves its group; past
    /// it (a broker that has gone away, an acknowledgement that never comes) the worker abandons
    /// its uncommitted offsets and exits with ``WorkerExit/shutdownTimedOut``. Abandoning is safe:
    /// every stage is idempotent, so the records are processed again by whoever owns the partition
    /// next. Keep it below the orchestrator's kill deadline (the manifests'
    /// `terminationGracePeriodSeconds` is 30 s). Default: 20 s.
    public var shutdownTimeout: Duration = .seconds(20)
    /// How long start-up keeps trying brokers it cannot reach (a broker still starting, a name
    /// the cluster's DNS does not answer yet) before the process gives up with the last error:
    /// creating and describing topics are retried with pauses of 1, 2, 4 … up to 10 s while the
    /// error is a transport failure or a timeout, and one attempt begun before the bound may run
    /// its request timeout past it. Errors that retrying cannot mend (a refused topic, bad
    /// settings) end start-up at once. Default: 2 minutes.
    public var startupTimeout: Duration = .seconds(120)
    /// The worker's name, as it appears in logs, dead letters and the default group id.
    public var workerName: String

    /// A configuration with every default, for one worker.
    /// - Parameter workerName: the program's name (e.g. `tally-code`): its client id, the name in
    ///   its logs and dead letters, and its default consumer group.
    public init(workerName: String) {
        self.workerName = workerName
        self.group = workerName
    }
}
