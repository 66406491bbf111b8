import Hummingbird
import Logging
import NIOCore

/// The worker's HTTP side: `GET /healthz` (readiness: 200 `ready` or 503 with the reason),
/// `GET /livez` (liveness: 200 while the process serves) and `GET /metrics` (Prometheus text). Runs as a `Service` in the worker's service group.
public enum HealthServer {
    /// Builds the server application. `onListening` receives the bound port (useful with port 0).
    public static func make(host: String, port: Int, readiness: Readiness, metrics: WorkerMetrics, logger: Logger,
                            onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
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
            return Response(status: ready ? .ok : .serviceUnavailable,
                            headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
        }
        router.get("livez") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: "alive\n")))
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok,
                     headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
    }
}
