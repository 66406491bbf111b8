import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SurveyEngine
import TallyWorker

/// Runs the dashboard process: the feed from Kafka and the HTTP server in one service group
/// that shuts down gracefully on SIGTERM or SIGINT (the feed first, which ends every event
/// stream, then the server).
public enum DashboardMain {
    /// Loads the survey, then serves until a signal.
    /// - Parameters:
    ///   - options: the workers' options (brokers, topics, schemas, HTTP, Kafka properties, logs).
    ///   - dashboard: the dashboard's own options.
    /// - Throws: `ValidationError` for unusable settings or survey definitions.
    public static func run(options: WorkerOptions, dashboard: DashboardOptions) async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try options.resolve(workerName: "tally-dashboard", environment: environment)
        if options.httpPort == nil && (environment["TALLY_HTTP_PORT"] ?? "").isEmpty { configuration.httpPort = DashboardOptions.defaultPort }
        let credential = try dashboard.credential(environment: environment)
        let suppressBelow = try dashboard.suppression(environment: environment)
        let logger = configuration.bootstrapLogging()
        let survey: SurveyDefinition
        do {
            survey = try SurveyDefinition(directory: configuration.schemas, formId: dashboard.formID(environment: environment))
        } catch {
            throw ValidationError("\(error)")
        }
        let hub = EventHub()
        let readiness = Readiness()
        readiness.markNotReady("reading \(configuration.topics.tallies)")
        let feed = DashboardFeed(
            configuration: configuration,
            survey: survey,
            hub: hub,
            readiness: readiness,
            suppressBelow: suppressBelow,
            logger: logger
        )
        let server = DashboardServer(hub: hub, credential: credential, readiness: readiness) { threshold in
            feed.current.document(suppressBelow: threshold)
        }
        let host = configuration.httpHost
        let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
        let http = server.application(host: host, port: configuration.httpPort, logger: logger) { port in
            logger.info("serving /healthz and /metrics", metadata: ["port": "\(port)"])
            logger.info("dashboard at http://\(shownHost):\(port)/")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: http),
                    .init(service: feed, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
