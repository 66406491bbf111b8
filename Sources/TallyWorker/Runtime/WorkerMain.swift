import Foundation
import Logging
import ServiceLifecycle

/// Runs a worker process: logging, topics, the worker loop and the HTTP side in one service
/// group that shuts down gracefully on SIGTERM or SIGINT.
public enum WorkerMain {
    /// Builds the processor with `makeProcessor` and runs until a signal or a fatal error.
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
        let worker = WorkerService(configuration: configuration, processor: processor, metrics: metrics,
                                   readiness: readiness, logger: logger)
        let http = HealthServer.make(host: configuration.httpHost, port: configuration.httpPort, readiness: readiness,
                                     metrics: metrics, logger: logger) { port in
            logger.info("serving /healthz and /metrics", metadata: ["port": "\(port)"])
        }
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: http),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

import FieldTallyKafka
