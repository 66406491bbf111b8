import Logging
import SurveyEngine
import TallyWorker

/// Runs the `tally-store` process as the workers run: logging, topics, the store loop and the
/// HTTP side (`/healthz`, `/livez`, `/metrics`) in one service group that shuts down gracefully
/// on SIGTERM or SIGINT.
public enum StoreMain {
    /// Opens and migrates the database at `location`, then stores `configuration`'s survey's
    /// tallies until a signal or a fatal error.
    /// - Parameters:
    ///   - configuration: brokers, topics, schemas, HTTP and logging, as the workers take them.
    ///   - location: the SQLite file or PostgreSQL URL.
    ///   - formId: the survey when the schemas folder holds several.
    /// - Throws: what start-up throws (unreachable brokers or database, unusable schemas), naming what failed.
    public static func run(_ configuration: WorkerConfiguration, location: StoreLocation, formId: String? = nil) async throws {
        let logger = configuration.bootstrapLogging()
        let metrics = WorkerMetrics()
        let readiness = Readiness()
        let survey = try SurveyDefinition(directory: configuration.schemas, formId: formId)
        try await TopicProvisioner.ensure(configuration, logger: logger)
        let database = try await TallyStoreDatabase.open(location, logger: logger)
        let applied = try await database.migrate()
        logger.info("database ready", metadata: ["database": "\(location)", "migrations_applied": "\(applied)"])
        let store = TallyStoreService(
            configuration: configuration,
            database: database,
            survey: survey,
            metrics: metrics,
            readiness: readiness,
            logger: logger
        )
        do {
            try await WorkerMain.serve(store, configuration: configuration, readiness: readiness, metrics: metrics, logger: logger)
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }
}
