import Hummingbird
import Logging
import NIOCore
import TallyWorker

/// tally-intake's HTTP side: the intake routes beside the worker runtime's health routes.
///
/// - `POST /v1/submissions`: FieldTally envelopes, one as `application/json`, or JSON lines as
///   `application/x-ndjson` (also `application/jsonl`, `application/json-lines`).
/// - `POST /v1/kobo/{form}`: a KoboToolbox REST Services submission (JSON).
/// - `POST /v1/odk/{form}`: an OpenRosa instance (`text/xml`, `application/xml`) or one ODK
///   Central submission (`application/json`).
/// - `GET /healthz`, `/livez`, `/metrics`: as every worker.
public enum IntakeServer {
    /// Builds the server application.
    /// - Parameters:
    ///   - configuration: the gateway's configuration (address, body limit).
    ///   - gateway: handles bodies.
    ///   - access: credentials, signatures and rate limits per source.
    ///   - readiness: what `/healthz` reports.
    ///   - metrics: counted per request.
    ///   - logger: the server's logger.
    ///   - onListening: receives the bound port (useful with port 0).
    public static func make(
        configuration: IntakeConfiguration,
        gateway: IntakeGateway,
        access: AccessPolicy,
        readiness: Readiness,
        metrics: IntakeMetrics,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        HealthServer.addRoutes(to: router, readiness: readiness, metrics: metrics.worker)
        let limit = configuration.maxBodyBytes
        @Sendable func handle(
            _ route: String,
            source: String,
            _ request: Request,
            _ body: @escaping @Sendable ([UInt8], String) async -> IntakeResponse
        )
            async -> Response
        {
            let answer = await receive(request, source: source, limit: limit, access: access, metrics: metrics, body)
            metrics.request(route: route, status: answer.status)
            return response(answer)
        }
        router.post("v1/submissions") { request, _ -> Response in
            await handle("submissions", source: "submissions", request) { body, contentType in
                await gateway.submitEnvelopes(
                    body,
                    lines: contentType.contains("ndjson") || contentType.contains("jsonl")
                        || contentType.contains("json-lines")
                )
            }
        }
        router.post("v1/kobo/:form") { request, context -> Response in
            let form = context.parameters.get("form") ?? ""
            return await handle("kobo", source: "kobo", request) { body, _ in
                await gateway.submitPlatform(body, payload: .koboJSON, form: form)
            }
        }
        router.post("v1/odk/:form") { request, context -> Response in
            let form = context.parameters.get("form") ?? ""
            return await handle("odk", source: "odk", request) { body, contentType in
                await gateway.submitPlatform(body, payload: contentType.contains("json") ? .odkJSON : .odkXML, form: form)
            }
        }
        var httpLogger = logger
        httpLogger.logLevel = .warning
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.worker.httpHost, port: configuration.worker.httpPort), serverName: "fieldtally"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.worker.httpPort) },
            logger: httpLogger
        )
    }

    /// Admits the request, reads its body up to `limit` bytes, checks its signature, then
    /// hands it to `handler`.
    private static func receive(
        _ request: Request,
        source: String,
        limit: Int,
        access: AccessPolicy,
        metrics: IntakeMetrics,
        _ handler: @Sendable ([UInt8], String) async -> IntakeResponse
    ) async -> IntakeResponse {
        do throws(AccessPolicy.Refusal) {
            try access.admit(source: source, authorization: request.headers[.authorization])
        } catch {
            metrics.refused(source: source, reason: error.slug)
            return ProblemDocument(error.slug, title: "The request was refused", status: error.status, detail: error.detail)
                .response(headers: error.headers)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            metrics.refused(source: source, reason: "too-large")
            return tooLarge(limit)
        }
        let body: [UInt8]
        do {
            body = Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            metrics.refused(source: source, reason: "too-large")
            return tooLarge(limit)
        } catch {
            return ProblemDocument("body-not-read", title: "The body could not be read", status: 400, detail: "\(error)").response()
        }
        do throws(AccessPolicy.Refusal) {
            try access.verifySignature(source: source, header: { name in HTTPFields.Element.Name(name).flatMap { request.headers[$0] } }, body: body)
        } catch {
            metrics.refused(source: source, reason: error.slug)
            return ProblemDocument(error.slug, title: "The request was refused", status: error.status, detail: error.detail).response()
        }
        return await handler(body, request.headers[.contentType]?.lowercased() ?? "")
    }

    private static func tooLarge(_ limit: Int) -> IntakeResponse {
        ProblemDocument(
            "too-large",
            title: "The body is too large",
            status: 413,
            detail: "Bodies are limited to \(limit) bytes (--max-body-bytes); send fewer submissions per request."
        ).response()
    }

    private static func response(_ answer: IntakeResponse) -> Response {
        var headers: HTTPFields = [.contentType: answer.contentType]
        for (name, value) in answer.headers {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
