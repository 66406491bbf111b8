import Foundation
import Hummingbird
import Logging
import NIOCore
import SurveyEngine
import Synchronization
import TallyWorker

/// The dashboard's HTTP side: the page (`/`), live updates (`/events`, server-sent events), the
/// merged tallies (`/api/tallies`, `/api/tallies.csv`, both with `?suppress=N`), and the worker
/// endpoints `/healthz`, `/livez` and `/metrics`. With a ``DashboardCredential`` every path but
/// `/healthz` and `/livez` requires it.
public struct DashboardServer: Sendable {
    /// Counts the `/events` handlers running: each ends when its client disconnects, is dropped
    /// or the hub closes.
    public final class StreamTasks: Sendable {
        private let running = Atomic<Int>(0)
        private let total = Atomic<Int>(0)

        init() {}

        /// Handlers running now.
        public var count: Int { running.load(ordering: .relaxed) }
        /// Handlers started so far.
        public var started: Int { total.load(ordering: .relaxed) }

        func enter() {
            running.add(1, ordering: .relaxed)
            total.add(1, ordering: .relaxed)
        }

        func leave() { running.subtract(1, ordering: .relaxed) }
    }

    /// The fan-out of state events.
    public let hub: EventHub
    /// The credential required, if any.
    public let credential: DashboardCredential?
    /// What `/healthz` answers.
    public let readiness: Readiness
    /// The merged tally document now, with small cells below the argument hidden when given.
    public let document: @Sendable (_ suppressBelow: Int?) -> TallyDocument
    /// The running `/events` handlers.
    public let streams = StreamTasks()

    /// A server over `hub` and `document`.
    /// - Parameters:
    ///   - hub: the event hub the feed publishes to.
    ///   - credential: the credential to require; `nil` for an open dashboard.
    ///   - readiness: the feed's readiness (`/healthz`).
    ///   - document: renders the merged document, given an optional suppression threshold.
    public init(
        hub: EventHub,
        credential: DashboardCredential?,
        readiness: Readiness,
        document: @escaping @Sendable (_ suppressBelow: Int?) -> TallyDocument
    ) {
        self.hub = hub
        self.credential = credential
        self.readiness = readiness
        self.document = document
    }

    /// How soon a browser reconnects after the stream breaks (the `retry:` field).
    public static let reconnectMilliseconds = 1_000

    /// The routes, with access control.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AccessControl(credential: credential))
        let hub = hub
        let readiness = readiness
        let document = document
        let streams = streams
        let credential = credential
        router.get("/") { _, _ -> Response in
            Response(status: .ok, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
        router.get("healthz") { _, _ -> Response in
            let (ready, reason) = readiness.current
            return Self.text(reason + "\n", status: ready ? .ok : .serviceUnavailable)
        }
        router.get("livez") { _, _ in Self.text("alive\n") }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.metrics(hub: hub, streams: streams, readiness: readiness)))
            )
        }
        router.get("api/tallies") { request, _ -> Response in
            let threshold = try Self.suppression(request)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: document(threshold).json()))
            )
        }
        router.get("api/tallies.csv") { request, _ -> Response in
            let threshold = try Self.suppression(request)
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: TallyTableCSV.render(document(threshold))))
            )
        }
        router.post("sign-in") { request, _ -> Response in
            // The page's prompt posts the token; a right one becomes an HttpOnly cookie.
            guard case .bearer = credential else { return Self.text("not used\n", status: .notFound) }
            let body = try await request.body.collect(upTo: 4_096)
            let token = Self.formValue("token", in: String(buffer: body)) ?? ""
            guard credential?.admits(authorization: "Bearer " + token, cookie: nil) == true else {
                return Response(status: .seeOther, headers: [.location: "/?denied=1"])
            }
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return Response(
                status: .seeOther,
                headers: [
                    .location: "/",
                    .setCookie: "\(DashboardCredential.cookieName)=\(encoded); Path=/; HttpOnly; SameSite=Strict",
                ]
            )
        }
        router.get("events") { request, _ -> Response in
            let subscription = hub.subscribe()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
                body: ResponseBody { writer in
                    streams.enter()
                    defer { streams.leave() }
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await Self.stream(subscription, to: writer)
                    }
                    try await writer.finish(nil)
                }
            )
        }
        return router
    }

    /// The application serving the page, `/events` and the health routes on `host`:`port`.
    ///
    /// The server's logger is raised to at least `.warning`, so per-request logs stay quiet; a logger
    /// set higher (as tests do) silences more.
    /// - Parameters:
    ///   - host: the address to bind, e.g. `0.0.0.0`.
    ///   - port: the port to bind; 0 lets the system choose one, reported through `onListening`.
    ///   - logger: the dashboard's logger, which the server uses at `.warning` or above.
    ///   - onListening: called once the server is bound, with the bound port. Default: does nothing.
    /// - Returns: an application to run as a `Service`; it binds nothing until it runs.
    public func application(
        host: String,
        port: Int,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // Per-request logs stay quiet; a caller may silence more (tests).
        var httpLogger = logger
        httpLogger.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "fieldtally"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: httpLogger
        )
    }

    /// Writes `subscription`'s events until it ends; when the hub drops the client (its buffer
    /// is full because it does not read), the write it is blocked in is cancelled and the
    /// handler throws, which closes the connection.
    static func stream(_ subscription: EventHub.Subscription, to writer: any ResponseBodyWriter) async throws {
        let box = WriterBox(writer)
        try await box.write(ByteBuffer(string: "retry: \(reconnectMilliseconds)\n\n"))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await event in subscription.events { try await box.write(event.bytes) }
                return true
            }
            group.addTask {
                for await _ in subscription.ended {}
                return false
            }
            let finishedWriting = try await group.next() ?? true
            group.cancelAll()
            if !finishedWriting, try await group.next() != true { throw DroppedClient() }
        }
    }

    struct DroppedClient: Error {}

    /// The writer, moved into the writing child task (only that task uses it).
    private final class WriterBox: @unchecked Sendable {
        var writer: any ResponseBodyWriter
        init(_ writer: any ResponseBodyWriter) { self.writer = writer }
        func write(_ buffer: ByteBuffer) async throws { try await writer.write(buffer) }
    }

    /// The page's headers: nothing may be loaded from elsewhere, and the page may not be framed.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("X-Content-Type-Options")!: "nosniff",
        .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
            + "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ]

    static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `?suppress=N`: nil when absent.
    static func suppression(_ request: Request) throws -> Int? {
        guard let raw = request.uri.queryParameters["suppress"] else { return nil }
        guard let value = Int(String(raw)), value >= 0 else { throw HTTPError(.badRequest, message: "suppress must be a whole number") }
        return value
    }

    static func formValue(_ name: String, in form: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == name else { continue }
            return (parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    static func metrics(hub: EventHub, streams: StreamTasks, readiness: Readiness) -> String {
        """
        # HELP fieldtally_dashboard_clients Open /events streams.
        # TYPE fieldtally_dashboard_clients gauge
        fieldtally_dashboard_clients \(hub.clientCount)
        # HELP fieldtally_dashboard_stream_handlers Running /events handlers.
        # TYPE fieldtally_dashboard_stream_handlers gauge
        fieldtally_dashboard_stream_handlers \(streams.count)
        # HELP fieldtally_dashboard_dropped_clients_total Clients dropped because they did not read.
        # TYPE fieldtally_dashboard_dropped_clients_total counter
        fieldtally_dashboard_dropped_clients_total \(hub.droppedClients)
        # HELP fieldtally_dashboard_ready Whether the tallies topic has been read to its end.
        # TYPE fieldtally_dashboard_ready gauge
        fieldtally_dashboard_ready \(readiness.current.ready ? 1 : 0)

        """
    }
}
