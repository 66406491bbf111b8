import Prometheus
import SurveyEngine
import Synchronization

/// The Prometheus metrics every worker exposes on `/metrics`.
///
/// Names (all prefixed `tally_`): `records_in_total`, `records_out_total`,
/// `records_rejected_total{reason}`, `batch_seconds` (histogram), `consumer_lag{topic,partition}`,
/// `commit_failures_total`, plus `ready` (1 once the worker serves).
public final class WorkerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// Records read from the input topic(s).
    public let recordsIn: Counter
    /// Records written to output topics (not counting dead letters).
    public let recordsOut: Counter
    /// Seconds from taking a batch to committing its offsets.
    public let batchSeconds: ValueHistogram
    /// Offset commits (or transactions) that failed.
    public let commitFailures: Counter
    /// 1 once the worker is assigned and caught up enough to serve, else 0.
    public let ready: Gauge
    private let rejected: Mutex<[String: Counter]> = Mutex([:])
    private let lag: Mutex<[String: Gauge]> = Mutex([:])

    /// Registers every worker metric, with `records_rejected_total` at 0 for each known rejection reason.
    /// - Parameter registry: where the metrics are registered and what ``render()`` emits. Pass a shared
    ///   registry to expose other metrics (such as the intake gateway's) on the same `/metrics`. Default: a new, empty registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        recordsIn = registry.makeCounter(descriptor: Self.name("records_in", "total", "Records read from input topics"))
        recordsOut = registry.makeCounter(descriptor: Self.name("records_out", "total", "Records written to output topics"))
        batchSeconds = registry.makeValueHistogram(
            descriptor: Self.name("batch", "seconds", "Seconds from taking a batch to committing it"),
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        )
        commitFailures = registry.makeCounter(descriptor: Self.name("commit_failures", "total", "Failed offset commits or transactions"))
        ready = registry.makeGauge(descriptor: Self.name("ready", "", "1 when assigned and caught up enough to serve"))
        // Every reason from the start, at 0: a rate or alert on a reason works before its first dead letter.
        for reason in RejectionReason.allCases { rejected(reason: reason.rawValue, by: 0) }
    }

    /// Counts `n` dead letters for `reason` (a stable rejection code).
    ///
    /// A reason not seen before gets its own labelled counter on first use.
    /// - Parameters:
    ///   - reason: the `reason` label, such as a `RejectionReason` raw value.
    ///   - n: how many letters to add; 0 only creates the series. Default: 1.
    public func rejected(reason: String, by n: Int = 1) {
        let counter = rejected.withLock { counters in
            if let c = counters[reason] { return c }
            let c = registry.makeCounter(
                descriptor: Self.name("records_rejected", "total", "Records sent to the dead-letter topic, by reason"),
                labels: [("reason", reason)]
            )
            counters[reason] = c
            return c
        }
        counter.increment(by: Int64(n))
    }

    /// Sets the consumer lag (high watermark minus next offset) of one input partition.
    ///
    /// The gauge for a topic and partition is created on first use and kept after the partition is revoked.
    /// - Parameters:
    ///   - topic: the input topic, the `topic` label.
    ///   - partition: the partition number, the `partition` label.
    ///   - value: records behind the high watermark.
    public func setLag(topic: String, partition: Int, lag value: Int64) {
        let gauge = lag.withLock { gauges in
            let key = "\(topic)\u{0}\(partition)"
            if let g = gauges[key] { return g }
            let g = registry.makeGauge(
                descriptor: Self.name("consumer", "lag", "Records behind the partition's high watermark"),
                labels: [("topic", topic), ("partition", String(partition))]
            )
            gauges[key] = g
            return g
        }
        gauge.set(value)
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tally", metricName: metric, unitName: unit, helpText: help)
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }
}
