import FieldTallyKafka
import Foundation
import Logging
import ServiceLifecycle
import SurveyEngine
import Synchronization
import TallyWorker

/// Follows `survey.tallies` and `survey.rejected` from their beginning (no consumer group,
/// nothing committed), keeps the ``DashboardState`` and publishes it to the ``EventHub``:
/// rendered once per change, at most every ``renderInterval``, and a `ping` every
/// ``pingInterval`` so pages can tell a quiet survey from a stalled stream.
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
        self.state = Mutex(DashboardState(survey: survey))
    }

    /// The current state (for `/api/tallies`).
    public var current: DashboardState { state.withLock { $0 } }

    /// Reads and publishes until graceful shutdown or cancellation, then closes the hub.
    public func run() async throws {
        defer { hub.close() }
        try await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.follow(self.configuration.topics.tallies, tallies: true) }
                group.addTask { await self.follow(self.configuration.topics.rejected, tallies: false) }
                group.addTask { await self.publishChanges() }
                await group.waitForAll()
            }
        }
    }

    /// Follows one topic, starting over after an error, until cancelled.
    private func follow(_ topic: String, tallies: Bool) async {
        let formPrefix = state.withLock { $0.survey.plan.formId } + "/"
        let decoder = JSONDecoder()
        while !Task.isCancelled {
            var reader = configuration.readerConfiguration()
            reader.clientID = configuration.workerName + (tallies ? "-tallies" : "-rejected")
            do {
                // A restart reads from the beginning again: start from an empty state.
                if tallies { state.withLock { $0.restartTallies() } }
                try await KafkaTopicReader(configuration: reader, logger: logger).follow(topic: topic) { event in
                    switch event {
                    case .caughtUp(let partitions):
                        if tallies {
                            state.withLock { state in
                                state.partitionCount = partitions.count
                                state.caughtUp = true
                                state.touch()
                            }
                            problem.withLock { $0 = nil }
                            readiness.markReady()
                        }
                    case .batch(let batch):
                        for record in batch.records {
                            guard let value = record.value else { continue }
                            if tallies {
                                guard record.keyString?.hasPrefix(formPrefix) == true else { continue }
                                do {
                                    let partial = try PartialTally(decoding: Data(value))
                                    try state.withLock { _ = try $0.offer(partial) }
                                } catch {
                                    logger.warning(
                                        "skipping an unreadable partial tally",
                                        metadata: ["offset": "\(record.offset)", "error": "\(error)"]
                                    )
                                }
                            } else if let letter = try? decoder.decode(DeadLetter.self, from: Data(value)) {
                                state.withLock { _ = $0.offer(letter) }
                            }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                let reason = "cannot read \(topic): \(error)"
                logger.warning("dashboard feed: \(reason); retrying", metadata: ["topic": "\(topic)"])
                problem.withLock { $0 = reason }
                if tallies { readiness.markNotReady(reason) }
            }
            try? await Task.sleep(for: Self.retryDelay)
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
