import ArgumentParser
import Foundation

/// The dashboard's own flags, each backed by an environment variable (a flag wins over its
/// variable). Everything else (brokers, topics, schemas, `--http-port`, `--kafka-property`, logs)
/// is the workers' `WorkerOptions`.
public struct DashboardOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("auth-token"),
        help: """
            Require this bearer token (or the sign-in cookie the page sets) everywhere but /healthz and /livez. \
            Env: TALLY_DASHBOARD_TOKEN.
            """
    )
    public var authToken: String?

    @Option(
        name: .customLong("auth-basic"),
        help: ArgumentHelp(
            "Require HTTP basic auth with this user and password instead. Env: TALLY_DASHBOARD_BASIC_AUTH.",
            valueName: "user:password"
        )
    )
    public var authBasic: String?

    @Option(
        name: .customLong("suppress-below"),
        help: "Hide counts from 1 to N-1 on the page (and their revealing complements). Env: TALLY_SUPPRESS_BELOW."
    )
    public var suppressBelow: Int?

    @Option(help: "The survey (form id) when --schemas holds several. Env: TALLY_FORM.")
    public var form: String?

    /// The default HTTP port of the dashboard when neither `--http-port` nor `TALLY_HTTP_PORT` is given.
    public static let defaultPort = 8080

    /// Every environment variable these options read.
    public static let environmentVariables = ["TALLY_DASHBOARD_TOKEN", "TALLY_DASHBOARD_BASIC_AUTH", "TALLY_SUPPRESS_BELOW", "TALLY_FORM"]

    public init() {}

    /// The credential required, if any: from `--auth-token`/`--auth-basic`, else `TALLY_DASHBOARD_TOKEN`/`TALLY_DASHBOARD_BASIC_AUTH`.
    ///
    /// Each flag wins over its variable; an empty variable counts as unset. A basic credential is split
    /// at its first colon, so the password may itself contain colons.
    /// - Parameter environment: where the variables are read. Default: the process environment.
    /// - Returns: `nil` when neither a token nor basic auth is given (the dashboard is then open).
    /// - Throws: `ValidationError` when both are given or basic auth is not `user:password` with a non-empty user.
    public func credential(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DashboardCredential? {
        func pick(_ flag: String?, _ name: String) -> String? { flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let token = pick(authToken, "TALLY_DASHBOARD_TOKEN")
        let basic = pick(authBasic, "TALLY_DASHBOARD_BASIC_AUTH")
        switch (token, basic) {
        case (nil, nil): return nil
        case (let token?, nil): return .bearer(token: token)
        case (nil, let basic?):
            guard let colon = basic.firstIndex(of: ":"), colon != basic.startIndex else {
                throw ValidationError("--auth-basic must be user:password")
            }
            return .basic(user: String(basic[..<colon]), password: String(basic[basic.index(after: colon)...]))
        case (_?, _?): throw ValidationError("give --auth-token or --auth-basic, not both")
        }
    }

    /// The page's suppression threshold, if any: `--suppress-below`, else `TALLY_SUPPRESS_BELOW`.
    ///
    /// The flag's value is taken as given; only the variable is checked here. An empty variable counts as unset.
    /// - Parameter environment: where `TALLY_SUPPRESS_BELOW` is read. Default: the process environment.
    /// - Returns: the threshold N (counts from 1 to N-1 are hidden), or `nil` for no suppression.
    /// - Throws: `ValidationError` for a variable that is not a whole number of at least 0.
    public func suppression(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        if let suppressBelow { return suppressBelow }
        guard let raw = environment["TALLY_SUPPRESS_BELOW"], !raw.isEmpty else { return nil }
        guard let value = Int(raw), value >= 0 else { throw ValidationError("TALLY_SUPPRESS_BELOW=\(raw) is not a whole number") }
        return value
    }

    /// The survey's form id, if given: `--form`, else `TALLY_FORM` (an empty variable counts as unset).
    /// - Parameter environment: where `TALLY_FORM` is read. Default: the process environment.
    /// - Returns: `nil` when neither is given, which is fine when `--schemas` holds a single survey.
    public func formID(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        form ?? environment["TALLY_FORM"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
