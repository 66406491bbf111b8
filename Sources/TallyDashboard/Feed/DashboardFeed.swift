import FieldTallyKafka
import Foundation
import Logging
import ServiceLifecycle
import SurveyEngine
import Synchronization
import TallyWorker

/// Follows `survey.tallies`, `survey.rejected` and, when it exists, `survey.coding-review` from
/// their beginning (no consumer group, nothing committed), keeps the ``DashboardState`` and
/// publishes it to the ``EventHub``: rendered once per change, at most every ``renderInterval``,
/// and a `ping` every ``pingInterval`` so pages can tell a quiet survey from a stalled stream.
///
/// Runs as a `Service`: on graceful shutdown it stops reading and closes the hub, which ends
/// every open event stream so the HTTP server can finish.
public final class DashboardFeed: Service, Sendable {
    /// Longest a change waits before it is rendered (changes within it are rendered once).
    public static let renderInterval: Duration = .milliseconds(100)
    /// Time between `ping` events.
    public static let pingInterval: Duration = .seconds(5)
    /// Wait before reading a topic again after an error (e.g. it does not exist yet).
    public static let retryDelay: Duration = .seconds(2)

    private let configuration: WorkerConfiguration
    private let hub: EventHub
    private let readiness: Readiness
    private let logger: Logger
    private let suppressBelow: Int?
    /// The key prefix of the shown survey's partials, `form_id/`.
    private let formPrefix: String
    private let state: Mutex<DashboardState>
    private let problem = Mutex<String?>(nil)

    /// A feed of `survey`'s tallies from the topics in `configuration`.
    /// - Parameters:
    ///   - configuration: brokers, topics and `--kafka-property` settings.
    ///   - survey: the survey shown (plan and frame).
    ///   - hub: where state events go.
    ///   - readiness: marked ready once the tallies topic has been read to its end.
    ///   - suppressBelow: small-cell suppression of what the page shows; `nil` for none.
    ///   - logger: where read errors are logged.
    public init(
        configuration: WorkerConfiguration,
        survey: SurveyDefinition,
        hub: EventHub,
        readiness: Readiness,
        suppressBelow: Int? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.hub = hub
        self.readiness = readiness
        self.suppressBelow = suppressBelow
        self.logger = logger
        self.formPrefix = survey.plan.formId + "/"
        self.state = Mutex(DashboardState(survey: survey))
    }

    /// The current state (for `/api/tallies`).
    public var current: DashboardState { state.withLock { $0 } }

    /// Reads and publishes until graceful shutdown or cancellation, then closes the hub.
    public func run() async throws {
        defer { hub.close() }
        try await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                for stream in [Stream.tallies, .rejected, .codingReview] { group.addTask { await self.follow(stream) } }
                group.addTask { await self.publishChanges() }
                await group.waitForAll()
            }
        }
    }

    /// The topics the feed follows.
    private enum Stream {
        /// `survey.tallies`: partial tallies; the dashboard is ready once it has been read to its end.
        case tallies
        /// `survey.rejected`: dead letters.
        case rejected
        /// `survey.coding-review`: the review queue. It is optional: while it cannot be read the
        /// page shows the review counts of the tally document only, and no problem is reported.
        case codingReview
    }

    /// Follows one topic, starting over after an error, until cancelled.
    private func follow(_ stream: Stream) async {
        let topic: String
        switch stream {
        case .tallies: topic = configuration.topics.tallies
        case .rejected: topic = configuration.topics.rejected
        case .codingReview: topic = configuration.topics.codingReview
        }
        while !Task.isCancelled {
            var reader = configuration.readerConfiguration()
            reader.clientID = configuration.workerName + "-" + "\(stream)"
            do {
                // A restart reads from the beginning again: start from an empty state.
                switch stream {
                case .tallies: state.withLock { $0.restartTallies() }
                case .codingReview: state.withLock { $0.restartReview() }
                case .rejected: break
                }
                try await KafkaTopicReader(configuration: reader, logger: logger).follow(topic: topic) { event in
                    switch event {
                    case .caughtUp(let partitions):
                        guard stream == .tallies else { return }
                        state.withLock { state in
                            state.partitionCount = partitions.count
                            state.caughtUp = true
                            state.touch()
                        }
                        problem.withLock { $0 = nil }
                        readiness.markReady()
                    case .batch(let batch):
                        for record in batch.records { take(record, from: stream) }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                let reason = "cannot read \(topic): \(error)"
                if stream == .codingReview {
                    logger.debug("dashboard feed: \(reason); retrying", metadata: ["topic": "\(topic)"])
                } else {
                    logger.warning("dashboard feed: \(reason); retrying", metadata: ["topic": "\(topic)"])
                    problem.withLock { $0 = reason }
                }
                if stream == .tallies { readiness.markNotReady(reason) }
            }
            try? await Task.sleep(for: Self.retryDelay)
        }
    }

    /// Takes one record of `stream` into the state; a record that does not decode is logged and skipped.
    private func take(_ record: KafkaRecord, from stream: Stream) {
        switch stream {
        case .tallies:
            guard let value = record.value, record.keyString?.hasPrefix(formPrefix) == true else { return }
            do {
                let partial = try PartialTally(decoding: Data(value))
                try state.withLock { _ = try $0.offer(partial) }
            } catch {
                logger.warning("skipping an unreadable partial tally", metadata: ["offset": "\(record.offset)", "error": "\(error)"])
            }
        case .rejected:
            guard let value = record.value, let letter = try? JSONDecoder().decode(DeadLetter.self, from: Data(value)) else { return }
            state.withLock { _ = $0.offer(letter) }
        case .codingReview:
            guard let key = record.keyString else { return }
            do {
                let review = try record.value.map { try CodingReviewRecord(bytes: $0) }
                state.withLock { _ = $0.offer(review: review, key: key) }
            } catch {
                logger.warning("skipping an unreadable coding review record", metadata: ["offset": "\(record.offset)", "error": "\(error)"])
            }
        }
    }

    /// Renders the state when it changed (once caught up) and sends pings, until cancelled.
    private func publishChanges() async {
        var published = -1
        var lastPing = ContinuousClock.now
        while !Task.isCancelled {
            let (version, caughtUp) = state.withLock { ($0.version, $0.caughtUp) }
            if caughtUp && version != published {
                let snapshot = state.withLock { $0 }
                hub.publish("state", data: snapshot.stateJSON(suppressBelow: suppressBelow))
                published = version
            }
            if ContinuousClock.now - lastPing >= Self.pingInterval {
                lastPing = ContinuousClock.now
                hub.publish("ping", data: pingJSON())
            }
            try? await Task.sleep(for: Self.renderInterval)
        }
    }

    /// `{"ok": true}` or `{"ok": false, "problem": "..."}` with the server's time.
    private func pingJSON() -> String {
        var members: [String: String] = ["server_time": ISO8601DateFormatter().string(from: Date())]
        if let problem = problem.withLock({ $0 }) { members["problem"] = problem }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(members)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
