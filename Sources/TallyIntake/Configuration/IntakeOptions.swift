import ArgumentParser
import Foundation
import TallyWorker

/// tally-intake's own flags, each backed by a `TALLY_INTAKE_…` variable (the flag wins).
public struct IntakeOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("max-body-bytes"),
        help: "Largest request body; larger ones get 413. Env: TALLY_INTAKE_MAX_BODY_BYTES. Default: 16777216."
    )
    public var maxBodyBytes: Int?

    @Option(
        name: .customLong("ack-timeout"),
        help: ArgumentHelp(
            "Longest a request waits for the broker's acknowledgement before 503 (20s, 1500ms). Env: TALLY_INTAKE_ACK_TIMEOUT. Default: 10s.",
            valueName: "duration"
        )
    )
    public var ackTimeout: String?

    @Option(
        name: .customLong("retry-after"),
        help: ArgumentHelp(
            "What Retry-After says on a 503. Env: TALLY_INTAKE_RETRY_AFTER. Default: 10s.",
            valueName: "duration"
        )
    )
    public var retryAfter: String?

    @Option(help: "Access policy file (credentials, HMAC, rate limits per source). Env: TALLY_INTAKE_ACCESS. Default: none (open).")
    public var access: String?

    @Option(
        name: .customLong("poll-odk"),
        help: ArgumentHelp(
            "Also poll this ODK Central server's OData feed (with --project and --form). Credentials: TALLY_ODK_TOKEN, or TALLY_ODK_EMAIL and TALLY_ODK_PASSWORD.",
            valueName: "url"
        )
    )
    public var pollODK: String?

    @Option(help: "ODK Central project id, for --poll-odk.")
    public var project: Int?

    @Option(help: "ODK Central form id (xmlFormId), for --poll-odk.")
    public var form: String?

    @Option(
        name: .customLong("cursor-file"),
        help: "Where --poll-odk keeps its cursor. Env: TALLY_ODK_CURSOR_FILE. Default: odk-cursor-<project>-<form>.json."
    )
    public var cursorFile: String?

    @Option(
        name: .customLong("poll-interval"),
        help: ArgumentHelp(
            "Pause between --poll-odk rounds that found nothing. Env: TALLY_ODK_POLL_INTERVAL. Default: 30s.",
            valueName: "duration"
        )
    )
    public var pollInterval: String?

    @Option(name: .customLong("poll-page-size"), help: "Rows per OData page for --poll-odk. Env: TALLY_ODK_PAGE_SIZE. Default: 250.")
    public var pollPageSize: Int?

    public init() {}

    /// Resolves these flags and the shared ones into a configuration.
    /// - Parameters:
    ///   - worker: the shared options (`--brokers`, …).
    ///   - environment: the process environment.
    /// - Throws: `ValidationError` naming the flag or variable whose value is unusable.
    public func resolve(
        worker: WorkerOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> IntakeConfiguration
    {
        var c = IntakeConfiguration(worker: try worker.resolve(workerName: "tally-intake", environment: environment))
        func pick(_ flag: String?, _ env: String) -> String? { flag ?? environment[env].flatMap { $0.isEmpty ? nil : $0 } }
        func duration(_ flag: String?, _ env: String) throws -> Duration? {
            guard let text = pick(flag, env) else { return nil }
            guard let value = WorkerOptions.duration(text), value > .zero else {
                throw ValidationError("\(env) / flag value '\(text)' is not a positive duration such as 10s or 1500ms")
            }
            return value
        }
        if let text = pick(maxBodyBytes.map(String.init), "TALLY_INTAKE_MAX_BODY_BYTES") {
            guard let bytes = Int(text), bytes > 0 else { throw ValidationError("max body bytes '\(text)' is not a positive whole number") }
            c.maxBodyBytes = bytes
        }
        if let value = try duration(ackTimeout, "TALLY_INTAKE_ACK_TIMEOUT") { c.ackTimeout = value }
        if let value = try duration(retryAfter, "TALLY_INTAKE_RETRY_AFTER") { c.retryAfter = value }
        c.accessFile = pick(access, "TALLY_INTAKE_ACCESS")
        if let url = pollODK {
            guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
                throw ValidationError("--poll-odk \(url) is not an http(s) URL")
            }
            guard let project, let form, !form.isEmpty else { throw ValidationError("--poll-odk needs --project and --form") }
            var authorization: String?
            if let token = pick(nil, "TALLY_ODK_TOKEN") {
                authorization = "Bearer \(token)"
            } else if let email = pick(nil, "TALLY_ODK_EMAIL"), let password = pick(nil, "TALLY_ODK_PASSWORD") {
                authorization = "Basic " + Data("\(email):\(password)".utf8).base64EncodedString()
            }
            var settings = CentralPoller.Settings(
                baseURL: base,
                project: project,
                form: form,
                authorization: authorization,
                cursorFile: pick(cursorFile, "TALLY_ODK_CURSOR_FILE") ?? "odk-cursor-\(project)-\(form).json"
            )
            if let value = try duration(pollInterval, "TALLY_ODK_POLL_INTERVAL") { settings.interval = value }
            if let text = pick(pollPageSize.map(String.init), "TALLY_ODK_PAGE_SIZE") {
                guard let size = Int(text), size > 0 else { throw ValidationError("poll page size '\(text)' is not a positive whole number") }
                settings.pageSize = size
            }
            c.poller = settings
        } else if project != nil || form != nil {
            throw ValidationError("--project and --form are for --poll-odk")
        }
        return c
    }
}
