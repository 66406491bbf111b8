import Hummingbird
import Logging
import NIOCore

/// The worker's HTTP side: `GET /healthz` (readiness: 200 `ready` or 503 with the reason),
/// `GET /livez` (liveness: 200 while the process serves) and `GET /metrics` (Prometheus text). Runs as a `Service` in the worker's service group.
public enum HealthServer {
    /// Builds the server application serving ``addRoutes(to:readiness:metrics:)``'s three routes.
    ///
    /// The server's logger is set to `.warning`, so routine requests (probes, scrapes) are not logged.
    /// - Parameters:
    ///   - host: the address to bind, e.g. `0.0.0.0` or `127.0.0.1`.
    ///   - port: the port to bind; 0 lets the system choose one, reported through `onListening`.
    ///   - readiness: what `/healthz` reports.
    ///   - metrics: what `/metrics` renders.
    ///   - logger: the worker's logger, used by the server at level `.warning`.
    ///   - onListening: called once the server is bound, with the bound port (or `port` when the bound
    ///     address has none). Default: does nothing.
    /// - Returns: an application to run as a `Service`; it binds nothing until it runs.
    public static func make(
        host: String,
        port: Int,
        readiness: Readiness,
        metrics: WorkerMetrics,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        addRoutes(to: router, readiness: readiness, metrics: metrics)
        var httpLogger = logger
        httpLogger.logLevel = .warning
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "fieldtally"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: httpLogger
        )
    }

    /// Adds `GET /healthz`, `GET /livez` and `GET /metrics` to `router`, for a program that
    /// serves more than health on its port (`tally-intake`).
    /// - Parameters:
    ///   - router: the router to add to.
    ///   - readiness: what `/healthz` reports.
    ///   - metrics: what `/metrics` renders.
    public static func addRoutes(to router: Router<BasicRequestContext>, readiness: Readiness, metrics: WorkerMetrics) {
        router.get("healthz") { _, _ -> Response in
            let (ready, reason) = readiness.current
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: reason + "\n"))
            )
        }
        router.get("livez") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "alive\n"))
            )
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
            )
        }
    }
}
