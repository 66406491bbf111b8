import SurveyEngine

/// An RFC 9457 problem document (`application/problem+json`): what is wrong with a request,
/// in a `type` a client can switch on and a `detail` a person can act on.
public struct ProblemDocument: Sendable {
    /// The media type.
    public static let mediaType = "application/problem+json"

    /// A URI naming the kind of problem (`urn:fieldtally:problem:<slug>`).
    public var type: String
    /// A short summary of the kind of problem.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What is wrong with this request.
    public var detail: String
    /// More members (RFC 9457 extension members), written after the standard ones.
    public var extensions: [(String, JSONValue)]

    /// A problem document.
    /// - Parameters:
    ///   - slug: the last part of `type`, e.g. `invalid-json`.
    ///   - title: the summary.
    ///   - status: the HTTP status.
    ///   - detail: what is wrong.
    ///   - extensions: extension members.
    public init(_ slug: String, title: String, status: Int, detail: String, extensions: [(String, JSONValue)] = []) {
        self.type = "urn:fieldtally:problem:" + slug
        self.title = title
        self.status = status
        self.detail = detail
        self.extensions = extensions
    }

    /// The document as JSON.
    public var json: JSONValue {
        var object: JSONObject = ["type": .string(type), "title": .string(title), "status": .number(Double(status)), "detail": .string(detail)]
        for (name, value) in extensions { object[name] = value }
        return .object(object)
    }

    /// The response carrying it.
    /// - Parameter headers: more headers (e.g. `Retry-After`, `WWW-Authenticate`).
    public func response(headers: [(String, String)] = []) -> IntakeResponse {
        IntakeResponse(status: status, contentType: Self.mediaType, headers: headers, body: JSONWriter(sortsKeys: false).bytes(json))
    }
}

/// An HTTP answer of the gateway, independent of the server library.
public struct IntakeResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The body's media type.
    public var contentType: String
    /// More headers.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// A JSON answer (`application/json`) with no extra headers.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - value: the body, written compactly with object members in the order their `JSONObject` holds them.
    /// - Returns: the answer, ready for the server to send.
    public static func json(_ status: Int, _ value: JSONValue) -> IntakeResponse {
        IntakeResponse(status: status, contentType: "application/json", headers: [], body: JSONWriter(sortsKeys: false).bytes(value))
    }
}
