import Foundation

/// The credential the dashboard asks for, if any: a bearer token or a basic-auth user and
/// password. Checked in constant time; `/healthz` and `/livez` stay open.
public enum DashboardCredential: Sendable, Equatable {
    /// `Authorization: Bearer <token>`, or the sign-in cookie the page's prompt sets.
    case bearer(token: String)
    /// `Authorization: Basic …` (the browser's own prompt).
    case basic(user: String, password: String)

    /// The name of the cookie the sign-in form sets (a browser's EventSource cannot send headers).
    public static let cookieName = "fieldtally_token"

    /// Whether `authorization` (the header) or `cookie` (the Cookie header) carries the credential.
    /// - Parameters:
    ///   - authorization: the request's `Authorization` header, if any.
    ///   - cookie: the request's `Cookie` header, if any.
    public func admits(authorization: String?, cookie: String?) -> Bool {
        switch self {
        case .bearer(let token):
            if let authorization, authorization.lowercased().hasPrefix("bearer ") {
                return Self.same(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces), token)
            }
            guard let cookie else { return false }
            for part in cookie.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix(Self.cookieName + "=") else { continue }
                let value = String(pair.dropFirst(Self.cookieName.count + 1))
                if Self.same(value.removingPercentEncoding ?? value, token) { return true }
            }
            return false
        case .basic(let user, let password):
            guard let authorization, authorization.lowercased().hasPrefix("basic "),
                let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces))
            else { return false }
            return Self.same(String(decoding: data, as: UTF8.self), "\(user):\(password)")
        }
    }

    /// The `WWW-Authenticate` challenge of a 401.
    public var challenge: String {
        switch self {
        case .bearer: #"Bearer realm="fieldtally""#
        case .basic: #"Basic realm="fieldtally", charset="UTF-8""#
        }
    }

    /// Compares in time that depends only on the lengths, not on where the texts differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return difference == 0
    }
}
