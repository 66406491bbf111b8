import FieldTallyKafka
import Logging
import ServiceLifecycle
import SurveyEngine
import TallyWorker

/// The store's loop, as a `Service`: read `survey.tallies` and `survey.rejected` from the offsets
/// the database holds (no consumer group: the database is the source of truth for offsets), turn
/// each batch into ``StoreChanges`` (``StoreIngest``) and write them with the batch's offsets in
/// one transaction. A kill at any moment leaves either the whole batch and its offsets or neither,
/// and the next start reads on from the stored offsets: each record lands exactly once.
///
/// Ready (`/healthz`) once it has read to the end the topics had on start. On graceful shutdown
/// (SIGTERM) it finishes writing the batch in hand and returns. A write that fails (the database
/// unreachable) is retried with back-off, not ready meanwhile; nothing is skipped.
public final class TallyStoreService: Service, Sendable {
    private let configuration: WorkerConfiguration
    private let database: TallyStoreDatabase
    private let survey: SurveyDefinition
    private let metrics: WorkerMetrics
    private let readiness: Readiness
    private let logger: Logger

    /// A service writing `survey`'s tallies read with `configuration` into `database` (migrated).
    ///
    /// Nothing is read or connected until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: The brokers, topic names and reader settings; `workerName` is the client ID.
    ///   - database: The store, already migrated; its stored offsets say where reading resumes.
    ///   - survey: The survey whose partials are merged into the tally changes.
    ///   - metrics: Records read, rows written, failed writes, batch durations and readiness.
    ///   - readiness: Marked ready once the topics are read to the end they had on start, and not ready
    ///     while a write to the database is failing.
    ///   - logger: The service's log.
    public init(
        configuration: WorkerConfiguration,
        database: TallyStoreDatabase,
        survey: SurveyDefinition,
        metrics: WorkerMetrics,
        readiness: Readiness,
        logger: Logger
    ) {
        self.configuration = configuration
        self.database = database
        self.survey = survey
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let state = try await database.state()
        let start = try StoreIngest(survey: survey, topics: configuration.topics, state: state)
        var readerConfiguration = configuration.readerConfiguration()
        readerConfiguration.clientID = configuration.workerName
        readerConfiguration.batching.maxRecords = configuration.maxBatch
        let reader = KafkaTopicReader(configuration: readerConfiguration, logger: logger)
        let topics = [configuration.topics.tallies, configuration.topics.rejected]
        readiness.markNotReady("reading \(topics) from the stored offsets")
        logger.info(
            "reading from the stored offsets",
            metadata: [
                "brokers": "\(configuration.brokers)", "database": "\(database.backend.description)", "topics": "\(topics)",
                "offsets": "\(state.offsets)", "changes": "\(state.lastChange)",
            ]
        )
        let last = try await cancelWhenGracefulShutdown {
            var ingest = start
            try await reader.follow(topics: topics, from: state.offsets) { event in
                switch event {
                case .caughtUp:
                    self.readiness.markReady()
                    self.metrics.ready.set(Int64(1))
                    self.logger.info("caught up", metadata: ["changes": "\(ingest.lastChange)"])
                case .batch(let batch):
                    let started = ContinuousClock.now
                    self.metrics.recordsIn.increment(by: Int64(batch.count))
                    let changes = ingest.ingest(batch, logger: self.logger)
                    try await self.write(changes)
                    self.metrics.recordsOut.increment(by: Int64(changes.series.count + changes.deadLetters.count))
                    self.metrics.batchSeconds.record((ContinuousClock.now - started) / .seconds(1))
                }
            }
            return ingest.lastChange
        }
        logger.info("stopped", metadata: ["changes": "\(last)"])
    }

    /// Writes `changes`, retrying with back-off (1 s doubling to 30 s) while the database fails.
    /// A shutdown does not interrupt a write (the batch in hand is written, or not at all), only
    /// the wait before a retry.
    private func write(_ changes: StoreChanges) async throws {
        var delay = Duration.seconds(1)
        let database = database
        while true {
            do {
                try await Task { try await database.apply(changes) }.value
                if readiness.current.reason.hasPrefix("database") {
                    readiness.markReady()
                    metrics.ready.set(Int64(1))
                }
                return
            } catch {
                metrics.commitFailures.increment()
                readiness.markNotReady("database write failing: \(error)")
                metrics.ready.set(Int64(0))
                logger.error("writing a batch failed; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
