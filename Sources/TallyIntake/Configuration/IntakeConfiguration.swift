import TallyWorker

/// Everything tally-intake needs: the worker runtime's configuration (brokers, topics, HTTP
/// address, Kafka properties, logging, shutdown bound) and the gateway's own settings.
public struct IntakeConfiguration: Sendable {
    /// The settings every FieldTally program shares (`--brokers`, `--http-port`, …).
    public var worker: WorkerConfiguration
    /// Largest request body accepted; larger ones are answered 413. Default: 16 MiB.
    public var maxBodyBytes = 16 * 1_048_576
    /// Longest a request waits for the broker's acknowledgement (the producer's
    /// `message.timeout.ms`) before it is answered 503. Default: 10 s.
    public var ackTimeout: Duration = .seconds(10)
    /// What `Retry-After` says on a 503. Default: 10 s.
    public var retryAfter: Duration = .seconds(10)
    /// The access policy file (`--access`), or `nil` to serve every source openly. Default: `nil`.
    public var accessFile: String?
    /// How long the producer waits to fill a batch (`linger.ms`). Requests arrive one record
    /// at a time from many clients, so a few milliseconds let concurrent requests share one
    /// broker request. Default: 5 ms.
    public var linger: Duration = .milliseconds(5)

    /// The ODK Central feed to poll beside serving HTTP, or `nil`. Default: `nil`.
    public var poller: CentralPoller.Settings?

    /// The gateway's defaults around `worker`: 16 MiB bodies, 10 s acknowledgement timeout and `Retry-After`,
    /// 5 ms linger, no access policy (every source served openly) and no ODK Central poller.
    /// - Parameter worker: the shared settings: brokers, topics (records go to `topics.submissions`),
    ///   HTTP address, Kafka properties, logging and shutdown bound.
    public init(worker: WorkerConfiguration) {
        self.worker = worker
    }
}
