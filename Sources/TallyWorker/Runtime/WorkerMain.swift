import FieldTallyKafka
import Foundation
import Logging
import ServiceLifecycle

/// Runs a worker process: logging, topics, the worker loop and the HTTP side in one service
/// group that shuts down gracefully on SIGTERM or SIGINT.
public enum WorkerMain {
    /// Builds the processor with `makeProcessor` and runs until a signal or a fatal error.
    /// - Parameters:
    ///   - configuration: the resolved flags and variables: brokers, topics, HTTP side, shutdown bound.
    ///   - makeProcessor: builds the stage's processor once the topics exist (it may load the survey).
    /// - Throws: what start-up throws (unreachable brokers, unusable schemas), with a message
    ///   naming what failed.
    public static func run(
        _ configuration: WorkerConfiguration,
        makeProcessor: (WorkerConfiguration, Logger) async throws -> any RecordProcessor
    ) async throws {
        let logger = configuration.bootstrapLogging()
        let metrics = WorkerMetrics()
        let readiness = Readiness()
        try await TopicProvisioner.ensure(configuration, logger: logger)
        let processor = try await makeProcessor(configuration, logger)
        let worker = WorkerService(
            configuration: configuration,
            processor: processor,
            metrics: metrics,
            readiness: readiness,
            logger: logger
        )
        try await serve(worker, configuration: configuration, readiness: readiness, metrics: metrics, logger: logger)
    }

    /// Runs `service` with the HTTP side (`/healthz`, `/livez`, `/metrics` on `configuration`'s
    /// host and port) in one service group that shuts down gracefully on SIGTERM or SIGINT, and
    /// when `service` returns or fails: what every worker and the store run.
    /// - Parameters:
    ///   - service: the program's loop.
    ///   - configuration: the HTTP host and port.
    ///   - readiness: what `/healthz` answers.
    ///   - metrics: what `/metrics` renders.
    ///   - logger: the group's and the HTTP server's logger.
    /// - Throws: what `service` throws.
    public static func serve(
        _ service: some Service,
        configuration: WorkerConfiguration,
        readiness: Readiness,
        metrics: WorkerMetrics,
        logger: Logger
    ) async throws {
        let http = HealthServer.make(
            host: configuration.httpHost,
            port: configuration.httpPort,
            readiness: readiness,
            metrics: metrics,
            logger: logger
        ) { port in
            logger.info("serving /healthz and /metrics", metadata: ["port": "\(port)"])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: service,
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup
                    ),
                    .init(service: http),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
