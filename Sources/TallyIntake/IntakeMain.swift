import FieldTallyKafka
import Foundation
import Logging
import ServiceLifecycle
import SurveyEngine
import TallyWorker

/// Runs tally-intake: loads the survey and its intake mapping, creates the pipeline's topics
/// when missing, and serves HTTP until SIGTERM or SIGINT, within `--shutdown-timeout`.
public enum IntakeMain {
    /// Runs the gateway until a signal or a fatal error.
    /// - Parameter configuration: the resolved configuration (with ``IntakeConfiguration/poller``,
    ///   the ODK Central poller runs beside the server).
    /// - Throws: what start-up throws (unusable schemas or access file, unreachable brokers),
    ///   with a message naming what failed.
    public static func run(_ configuration: IntakeConfiguration) async throws {
        let logger = configuration.worker.bootstrapLogging()
        let survey = try SurveyDefinition(directory: configuration.worker.schemas)
        let mapping = try IntakeMapping(survey: survey)
        let access = try configuration.accessFile.map { try AccessPolicy(contentsOfFile: $0) } ?? .open
        if configuration.accessFile == nil {
            logger.warning("no --access policy: every source is served without credentials or rate limits")
        }
        try await TopicProvisioner.ensure(configuration.worker, logger: logger)
        let metrics = IntakeMetrics(worker: WorkerMetrics())
        let readiness = Readiness()
        let producerConfiguration = configuration.producerConfiguration()
        let gateway = try IntakeGateway(
            makeProducer: { try KafkaProducer(configuration: producerConfiguration, logger: logger) },
            topic: configuration.worker.topics.submissions,
            mapping: mapping,
            envelope: survey.instrument.envelope,
            retryAfter: configuration.retryAfter,
            metrics: metrics,
            readiness: readiness,
            logger: logger
        )
        let http = IntakeServer.make(
            configuration: configuration,
            gateway: gateway,
            access: access,
            readiness: readiness,
            metrics: metrics,
            logger: logger
        ) { port in
            logger.info("serving /healthz and /metrics, /v1/submissions, /v1/kobo and /v1/odk", metadata: ["port": "\(port)"])
        }
        readiness.markReady()
        metrics.worker.ready.set(Int64(1))
        let producerService = ProducerService(gateway: gateway, shutdownTimeout: configuration.worker.shutdownTimeout, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: producerService),
            .init(service: http, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let settings = configuration.poller {
            services.append(
                .init(
                    service: CentralPoller(settings: settings, gateway: gateway, logger: logger),
                    successTerminationBehavior: .ignore,
                    failureTerminationBehavior: .gracefullyShutdownGroup
                )
            )
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

extension IntakeConfiguration {
    /// The producer's configuration: the workers' idempotent `acks=all` producer, with
    /// ``linger`` and ``ackTimeout`` as `message.timeout.ms`; a `--kafka-property` still wins.
    public func producerConfiguration() -> KafkaProducerConfiguration {
        var c = worker.producerConfiguration()
        c.batching.linger = linger
        c.deliveryTimeout = ackTimeout
        c.enqueueTimeout = ackTimeout
        return c
    }
}

/// Keeps the gateway's producer until the group shuts down (after the HTTP server, which stops
/// first and finishes the requests in flight), then flushes and closes it, within the shutdown bound.
struct ProducerService: Service {
    let gateway: IntakeGateway
    let shutdownTimeout: Duration
    let logger: Logger

    func run() async throws {
        let watchdog = ShutdownWatchdog(timeout: shutdownTimeout, logger: logger)
        try? await gracefulShutdown()
        watchdog.arm(reason: "graceful shutdown requested (SIGTERM or SIGINT)")
        await gateway.close(timeout: shutdownTimeout)
    }
}
