import Hummingbird

/// Requires the ``DashboardCredential`` on every request except `/healthz`, `/livez` and the
/// sign-in form's post. Without it: 401 with a `WWW-Authenticate` challenge; the page (`/`)
/// answers with the sign-in prompt instead of the dashboard.
struct AccessControl<Context: RequestContext>: RouterMiddleware {
    let credential: DashboardCredential?

    /// Paths open to anyone.
    static var openPaths: Set<String> { ["/healthz", "/livez", "/sign-in"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let credential, !Self.openPaths.contains(request.uri.path) else { return try await next(request, context) }
        if credential.admits(authorization: request.headers[.authorization], cookie: request.headers[.cookie]) {
            return try await next(request, context)
        }
        var headers: HTTPFields = [.wwwAuthenticate: credential.challenge, .cacheControl: "no-store"]
        if request.uri.path == "/", case .bearer = credential {
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: DashboardPage.signIn)))
        }
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "sign-in required\n")))
    }
}
