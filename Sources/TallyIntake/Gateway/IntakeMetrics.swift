import Prometheus
import Synchronization
import TallyWorker

/// The gateway's Prometheus metrics, registered beside the worker runtime's own
/// (``WorkerMetrics``: `tally_records_out_total` counts acknowledged records, `tally_ready`).
///
/// Names: `tally_intake_requests_total{route,status}`, `tally_intake_records_total{payload}`,
/// `tally_intake_unreadable_total{payload}` (recorded, answered 400/422),
/// `tally_intake_unavailable_total{payload}` (answered 503),
/// `tally_intake_refused_total{source,reason}` (401, 403, 413, 429), and
/// `tally_intake_ack_seconds` (histogram: from the first produce call to the last acknowledgement).
public final class IntakeMetrics: Sendable {
    /// The worker runtime's metrics, on the same registry.
    public let worker: WorkerMetrics
    private let ackSeconds: ValueHistogram
    private let counters = Mutex<[String: Counter]>([:])

    /// Metrics on `worker`'s registry.
    /// - Parameter worker: the runtime's metrics (rendered together on `/metrics`).
    public init(worker: WorkerMetrics) {
        self.worker = worker
        ackSeconds = worker.registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "tally",
                subsystem: "intake",
                metricName: "ack",
                unitName: "seconds",
                helpText: "Seconds from producing a request's records to their acknowledgement"
            ),
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        )
    }

    /// Counts a request answered with `status` on `route`, in `tally_intake_requests_total`.
    /// - Parameters:
    ///   - route: the route's fixed name (e.g. `submissions`), the `route` label.
    ///   - status: the HTTP status code answered.
    public func request(route: String, status: Int) {
        counter("requests", "Requests answered, by route and status", [("route", route), ("status", String(status))]).increment()
    }

    /// Counts `count` records acknowledged for one request of `payload`, taking `latency`.
    func acknowledged(_ count: Int, payload: IntakeGateway.Payload, after latency: Duration) {
        counter("records", "Records acknowledged by the broker, by payload", [("payload", payload.rawValue)]).increment(by: Int64(count))
        worker.recordsOut.increment(by: Int64(count))
        ackSeconds.record(latency / .seconds(1))
    }

    /// Counts a record recorded although it could not be read (answered 400 or 422).
    func unreadable(payload: IntakeGateway.Payload) {
        counter("unreadable", "Bodies recorded unread or unmapped (answered 400/422)", [("payload", payload.rawValue)]).increment()
    }

    /// Counts a request answered 503 because the broker did not acknowledge.
    func unavailable(payload: IntakeGateway.Payload) {
        counter("unavailable", "Requests answered 503: the broker did not acknowledge", [("payload", payload.rawValue)]).increment()
    }

    /// Counts a request refused before its body was read (401, 403, 413, 429), in `tally_intake_refused_total`.
    /// - Parameters:
    ///   - source: the intake source the access policy admitted against (e.g. `submissions`), the `source` label.
    ///   - reason: the refusal's problem slug (such as `too-large`), the `reason` label.
    public func refused(source: String, reason: String) {
        counter("refused", "Requests refused before reading, by source and reason", [("source", source), ("reason", reason)]).increment()
    }

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)]) -> Counter {
        let key = name + labels.map { "\u{0}\($0.1)" }.joined()
        return counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = worker.registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "tally", subsystem: "intake", metricName: name, unitName: "total", helpText: help),
                labels: labels
            )
            counters[key] = made
            return made
        }
    }
}
