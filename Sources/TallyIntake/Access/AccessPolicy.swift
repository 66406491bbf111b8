import Foundation
import Synchronization
import Yams

/// Who may post to which source, and how often: the file given with `--access`
/// (`TALLY_INTAKE_ACCESS`). Format in Deploy/OPERATIONS.md:
///
/// ```yaml
/// sources:
///   kobo:                                   # /v1/kobo/{form}
///     basic: { user: kobo, password_env: KOBO_PASSWORD }
///     rate: { per_second: 20, burst: 40 }
///   odk:                                    # /v1/odk/{form}
///     bearer: { token_file: /run/secrets/odk-token }
///   submissions:                            # /v1/submissions
///     bearer: { token_env: TALLY_INTAKE_TOKEN }
///     hmac: { header: X-Signature-256, key_env: TALLY_INTAKE_HMAC_KEY, prefix: "sha256=" }
/// ```
///
/// Secrets come from a file (`…_file`, trailing newline dropped) or an environment variable
/// (`…_env`), never from the file itself. With a policy, a source it does not list is refused
/// (403); without one (`AccessPolicy.open`) every source is served without credentials.
public struct AccessPolicy: Sendable {
    /// The sources a request can come through, named after their routes.
    public static let sourceNames = ["submissions", "kobo", "odk"]

    /// What one source requires.
    public struct Source: Sendable {
        /// The accepted credential.
        public enum Credential: Sendable {
            /// `Authorization: Bearer <token>`.
            case bearer(token: String)
            /// `Authorization: Basic base64(user:password)` (KoboToolbox REST Services' option).
            case basic(user: String, password: String)
        }

        /// The credential required, or `nil` for none.
        public var credential: Credential?
        /// The HMAC-SHA256 signature required, or `nil` for none: the header holding it, its
        /// prefix (e.g. `sha256=`) and the key.
        public var hmac: (header: String, prefix: String, key: [UInt8])?
        /// The rate limit, or `nil` for none.
        public var rate: RateLimiter?
    }

    /// The policy per source name; `nil` serves every source openly.
    let sources: [String: Source]?

    /// Serves every source without credentials or limits (no `--access` file).
    public static let open = AccessPolicy(sources: nil)

    /// Why a request is refused: status, problem slug and sentence, and headers.
    public struct Refusal: Error, Sendable {
        public var status: Int
        public var slug: String
        public var detail: String
        public var headers: [(String, String)]
    }

    /// Reads a policy file.
    /// - Parameters:
    ///   - path: the YAML file.
    ///   - environment: where `…_env` secrets are looked up.
    /// - Throws: `AccessPolicyError` naming what is wrong or which secret is missing.
    public init(contentsOfFile path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AccessPolicyError("\(path): cannot be read") }
        try self.init(yaml: text, file: path, environment: environment)
    }

    /// Parses a policy.
    /// - Parameters:
    ///   - yaml: the policy's text.
    ///   - file: its name, for error messages.
    ///   - environment: where `…_env` secrets are looked up.
    /// - Throws: `AccessPolicyError` naming what is wrong or which secret is missing.
    public init(yaml: String, file: String, environment: [String: String]) throws {
        func fail(_ message: String) -> AccessPolicyError { AccessPolicyError("\(file): \(message)") }
        guard let root = try Yams.compose(yaml: yaml)?.mapping, let sourcesNode = root["sources"]?.mapping else {
            throw fail("needs a sources: mapping (\(Self.sourceNames.joined(separator: ", ")))")
        }
        func secret(_ node: Node.Mapping, _ name: String, in context: String) throws -> String {
            if let variable = node["\(name)_env"]?.string {
                guard let value = environment[variable], !value.isEmpty else { throw fail("\(context): environment variable \(variable) is not set") }
                return value
            }
            if let file = node["\(name)_file"]?.string {
                guard var value = try? String(contentsOfFile: file, encoding: .utf8) else { throw fail("\(context): cannot read \(file)") }
                while value.last == "\n" || value.last == "\r" { value.removeLast() }
                return value
            }
            throw fail("\(context): give \(name)_env or \(name)_file")
        }
        var sources: [String: Source] = [:]
        for (keyNode, valueNode) in sourcesNode {
            guard let name = keyNode.string, Self.sourceNames.contains(name) else {
                throw fail("sources: '\(keyNode.string ?? "?")' is not one of \(Self.sourceNames.joined(separator: ", "))")
            }
            let node = valueNode.mapping ?? Node.Mapping([])
            var source = Source()
            if let bearer = node["bearer"]?.mapping {
                source.credential = .bearer(token: try secret(bearer, "token", in: "\(name).bearer"))
            } else if let basic = node["basic"]?.mapping {
                guard let user = basic["user"]?.string else { throw fail("\(name).basic needs user:") }
                source.credential = .basic(user: user, password: try secret(basic, "password", in: "\(name).basic"))
            }
            if let hmac = node["hmac"]?.mapping {
                source.hmac = (
                    hmac["header"]?.string ?? "X-Signature-256", hmac["prefix"]?.string ?? "sha256=",
                    Array(try secret(hmac, "key", in: "\(name).hmac").utf8)
                )
            }
            if let rate = node["rate"]?.mapping {
                guard let perSecond = rate["per_second"]?.float ?? rate["per_second"]?.int.map(Double.init), perSecond > 0 else {
                    throw fail("\(name).rate needs per_second: a positive number")
                }
                source.rate = RateLimiter(perSecond: perSecond, burst: rate["burst"]?.int ?? max(1, Int(perSecond.rounded(.up))))
            }
            sources[name] = source
        }
        self.sources = sources
    }

    init(sources: [String: Source]?) {
        self.sources = sources
    }

    /// Checks a request's credentials and the source's rate before its body is read.
    /// - Parameters:
    ///   - source: the source name (``sourceNames``).
    ///   - authorization: the `Authorization` header, if any.
    /// - Throws: a ``Refusal`` (401 with `WWW-Authenticate`, 403, or 429 with `Retry-After`).
    public func admit(source: String, authorization: String?) throws(Refusal) {
        guard let sources else { return }
        guard let policy = sources[source] else {
            throw Refusal(status: 403, slug: "source-disabled", detail: "The access policy does not enable the '\(source)' source.", headers: [])
        }
        switch policy.credential {
        case .bearer(let token):
            guard let given = authorization, given.hasPrefix("Bearer "), Self.same(Array(given.dropFirst(7).utf8), Array(token.utf8)) else {
                throw Refusal(
                    status: 401,
                    slug: "unauthorized",
                    detail: "This source needs a valid bearer token.",
                    headers: [("WWW-Authenticate", "Bearer realm=\"tally-intake\"")]
                )
            }
        case .basic(let user, let password):
            let expected = Array(Data("\(user):\(password)".utf8).base64EncodedString().utf8)
            guard let given = authorization, given.hasPrefix("Basic "), Self.same(Array(given.dropFirst(6).utf8), expected) else {
                throw Refusal(
                    status: 401,
                    slug: "unauthorized",
                    detail: "This source needs a valid user and password (basic).",
                    headers: [("WWW-Authenticate", "Basic realm=\"tally-intake\"")]
                )
            }
        case nil:
            break
        }
        if let rate = policy.rate, let wait = rate.take() {
            throw Refusal(
                status: 429,
                slug: "rate-limited",
                detail: "This source sends faster than its limit; send again later.",
                headers: [("Retry-After", String(max(1, Int(wait.rounded(.up)))))]
            )
        }
    }

    /// Checks a request's HMAC signature over its body, when the source requires one.
    /// - Parameters:
    ///   - source: the source name.
    ///   - header: reads a request header by name.
    ///   - body: the body as received.
    /// - Throws: a ``Refusal`` (401) when the signature is missing or wrong.
    public func verifySignature(source: String, header: (String) -> String?, body: [UInt8]) throws(Refusal) {
        guard let hmac = sources?[source]?.hmac else { return }
        let expected = Array((hmac.prefix + SHA256.hex(SHA256.hmac(key: hmac.key, message: body))).utf8)
        guard let given = header(hmac.header), Self.same(Array(given.lowercased().utf8), expected) else {
            throw Refusal(
                status: 401,
                slug: "bad-signature",
                detail: "The \(hmac.header) header must hold \(hmac.prefix)<hex HMAC-SHA256 of the body>.",
                headers: []
            )
        }
    }

    /// Compares in time independent of where the inputs differ.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// An access policy file that cannot be used, saying why.
public struct AccessPolicyError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
