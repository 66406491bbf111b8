import ArgumentParser
import Foundation
import Logging

/// The flags every worker shares, each backed by an environment variable (`TALLY_…`);
/// a flag wins over its variable, and the variable over the default.
public struct WorkerOptions: ParsableArguments, Sendable {
    @Option(help: "Kafka bootstrap servers, comma-separated host:port. Env: TALLY_BROKERS. Default: 127.0.0.1:9092.")
    public var brokers: String?

    @Option(help: "Survey definitions folder (instrument, codebook, tally plan, frame). Env: TALLY_SCHEMAS. Default: Schemas.")
    public var schemas: String?

    @Option(help: "Consumer group id. Env: TALLY_GROUP. Default: the worker's name.")
    public var group: String?

    @Option(name: .customLong("instance-id"), help: "Static group membership id (group.instance.id). Env: TALLY_INSTANCE_ID.")
    public var instanceID: String?

    @Option(name: .customLong("http-port"), help: "Port for /healthz and /metrics (0 = any free port). Env: TALLY_HTTP_PORT. Default: 9464.")
    public var httpPort: Int?

    @Option(name: .customLong("http-host"), help: "Address for the HTTP server. Env: TALLY_HTTP_HOST. Default: 0.0.0.0.")
    public var httpHost: String?

    @Option(name: .customLong("topic-submissions"), help: "Env: TALLY_TOPIC_SUBMISSIONS. Default: survey.submissions.")
    public var topicSubmissions: String?
    @Option(name: .customLong("topic-valid"), help: "Env: TALLY_TOPIC_VALID. Default: survey.valid.")
    public var topicValid: String?
    @Option(name: .customLong("topic-coded"), help: "Env: TALLY_TOPIC_CODED. Default: survey.coded.")
    public var topicCoded: String?
    @Option(name: .customLong("topic-rejected"), help: "Env: TALLY_TOPIC_REJECTED. Default: survey.rejected.")
    public var topicRejected: String?
    @Option(name: .customLong("topic-tallies"), help: "Env: TALLY_TOPIC_TALLIES. Default: survey.tallies.")
    public var topicTallies: String?
    @Option(name: .customLong("topic-changelog"), help: "Env: TALLY_TOPIC_CHANGELOG. Default: survey.aggregate-changelog.")
    public var topicChangelog: String?
    @Option(name: .customLong("topic-coding-review"), help: "Env: TALLY_TOPIC_CODING_REVIEW. Default: survey.coding-review.")
    public var topicCodingReview: String?
    @Option(help: "Partitions for topics created at start when missing. Env: TALLY_PARTITIONS. Default: 6.")
    public var partitions: Int?

    @Option(
        name: .customLong("kafka-property"),
        help: ArgumentHelp(
            "Any librdkafka property as key=value (repeatable; TLS, SASL, timeouts). Env: TALLY_KAFKA_PROPERTIES (comma-separated key=value).",
            valueName: "key=value"
        )
    )
    public var kafkaProperty: [String] = []

    @Option(name: .customLong("log-format"), help: "json or human. Env: TALLY_LOG_FORMAT. Default: json.")
    public var logFormat: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical. Env: TALLY_LOG_LEVEL. Default: info.")
    public var logLevel: String?

    @Option(name: .customLong("max-batch"), help: "Most records per batch. Env: TALLY_MAX_BATCH. Default: 6000.")
    public var maxBatch: Int?

    @Option(
        name: .customLong("max-batch-wait-ms"),
        help: "Longest a partly filled batch waits for more records, in milliseconds. Env: TALLY_MAX_BATCH_WAIT_MS. Default: 20."
    )
    public var maxBatchWaitMilliseconds: Int?

    @Option(
        name: .customLong("shutdown-timeout"),
        help: ArgumentHelp(
            "Bound on a graceful shutdown, e.g. 20s, 1500ms, 1m (a bare number is seconds); past it uncommitted offsets are abandoned and the worker exits 75. Env: TALLY_SHUTDOWN_TIMEOUT. Default: 20s.",
            valueName: "duration"
        )
    )
    public var shutdownTimeout: String?

    @Option(
        name: .customLong("startup-timeout"),
        help: ArgumentHelp(
            "How long start-up retries brokers it cannot reach (a transport failure or a timeout), e.g. 2m, 30s; then it exits with the last error. Env: TALLY_STARTUP_TIMEOUT. Default: 2m.",
            valueName: "duration"
        )
    )
    public var startupTimeout: String?

    public init() {}

    /// Every environment variable `resolve` reads (for documentation and deployment checks).
    public static let environmentVariables = [
        "TALLY_BROKERS", "TALLY_SCHEMAS", "TALLY_GROUP", "TALLY_INSTANCE_ID", "TALLY_HTTP_PORT", "TALLY_HTTP_HOST",
        "TALLY_TOPIC_SUBMISSIONS", "TALLY_TOPIC_VALID", "TALLY_TOPIC_CODED", "TALLY_TOPIC_REJECTED", "TALLY_TOPIC_TALLIES",
        "TALLY_TOPIC_CHANGELOG", "TALLY_TOPIC_CODING_REVIEW", "TALLY_PARTITIONS", "TALLY_KAFKA_PROPERTIES", "TALLY_LOG_FORMAT", "TALLY_LOG_LEVEL",
        "TALLY_MAX_BATCH", "TALLY_MAX_BATCH_WAIT_MS", "TALLY_SHUTDOWN_TIMEOUT", "TALLY_STARTUP_TIMEOUT",
    ]

    /// Resolves flags, then environment variables, then defaults into a configuration.
    /// - Parameters:
    ///   - workerName: the program's name, the default group and client id.
    ///   - environment: where `TALLY_*` variables are read. Default: the process's environment.
    /// - Returns: the configuration; a flag wins over its variable, a variable over the default.
    /// - Throws: `ValidationError` naming the flag or variable whose value is unusable.
    public func resolve(workerName: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WorkerConfiguration {
        var c = WorkerConfiguration(workerName: workerName)
        func pick(_ flag: String?, _ env: String) -> String? { flag ?? environment[env].flatMap { $0.isEmpty ? nil : $0 } }
        func pickInt(_ flag: Int?, _ env: String, _ name: String) throws -> Int? {
            if let flag { return flag }
            guard let raw = environment[env], !raw.isEmpty else { return nil }
            guard let v = Int(raw) else { throw ValidationError("\(env)=\(raw) is not a whole number (\(name))") }
            return v
        }
        if let v = pick(brokers, "TALLY_BROKERS") { c.brokers = try Self.brokerList(v) }
        if let v = pick(schemas, "TALLY_SCHEMAS") { c.schemas = v }
        if let v = pick(group, "TALLY_GROUP") { c.group = v }
        c.instanceID = pick(instanceID, "TALLY_INSTANCE_ID")
        if let v = try pickInt(httpPort, "TALLY_HTTP_PORT", "--http-port") { c.httpPort = v }
        if let v = pick(httpHost, "TALLY_HTTP_HOST") { c.httpHost = v }
        if let v = pick(topicSubmissions, "TALLY_TOPIC_SUBMISSIONS") { c.topics.submissions = v }
        if let v = pick(topicValid, "TALLY_TOPIC_VALID") { c.topics.valid = v }
        if let v = pick(topicCoded, "TALLY_TOPIC_CODED") { c.topics.coded = v }
        if let v = pick(topicRejected, "TALLY_TOPIC_REJECTED") { c.topics.rejected = v }
        if let v = pick(topicTallies, "TALLY_TOPIC_TALLIES") { c.topics.tallies = v }
        if let v = pick(topicChangelog, "TALLY_TOPIC_CHANGELOG") { c.topics.changelog = v }
        if let v = pick(topicCodingReview, "TALLY_TOPIC_CODING_REVIEW") { c.topics.codingReview = v }
        if let v = try pickInt(partitions, "TALLY_PARTITIONS", "--partitions") {
            guard v > 0 else { throw ValidationError("partitions must be at least 1, not \(v)") }
            c.topics.partitions = v
        }
        if let v = try pickInt(maxBatch, "TALLY_MAX_BATCH", "--max-batch") {
            guard v > 0 else { throw ValidationError("--max-batch must be at least 1, not \(v)") }
            c.maxBatch = v
        }
        if let v = try pickInt(maxBatchWaitMilliseconds, "TALLY_MAX_BATCH_WAIT_MS", "--max-batch-wait-ms") {
            guard v >= 0 else { throw ValidationError("--max-batch-wait-ms must not be negative, not \(v)") }
            c.maxBatchWait = .milliseconds(v)
        }
        if let v = pick(logFormat, "TALLY_LOG_FORMAT") {
            guard let f = WorkerConfiguration.LogFormat(rawValue: v) else {
                throw ValidationError("log format '\(v)' is not one of: json, human")
            }
            c.logFormat = f
        }
        if let v = pick(logLevel, "TALLY_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: v.lowercased()) else {
                throw ValidationError("log level '\(v)' is not one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.logLevel = level
        }
        if let v = pick(shutdownTimeout, "TALLY_SHUTDOWN_TIMEOUT") { c.shutdownTimeout = try Self.positiveDuration(v, "shutdown timeout") }
        if let v = pick(startupTimeout, "TALLY_STARTUP_TIMEOUT") { c.startupTimeout = try Self.positiveDuration(v, "startup timeout") }
        var pairs = (environment["TALLY_KAFKA_PROPERTIES"] ?? "").split(separator: ",").map(String.init)
        pairs += kafkaProperty
        c.kafkaProperties.merge(try KafkaPropertyList.parse(pairs)) { _, given in given }
        return c
    }

    /// Splits a comma-separated bootstrap list and checks each entry is `host:port`.
    /// - Parameter text: e.g. `kafka-0:9092,kafka-1:9092` (spaces around entries are ignored).
    /// - Throws: `ValidationError` naming the entry that is not `host:port`.
    static func brokerList(_ text: String) throws -> [String] {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !entries.isEmpty else { throw ValidationError("brokers '\(text)' names no host:port") }
        for entry in entries {
            guard let colon = entry.lastIndex(of: ":"), colon != entry.startIndex,
                let port = Int(entry[entry.index(after: colon)...]), (1...65_535).contains(port)
            else { throw ValidationError("broker '\(entry)' is not host:port (a port from 1 to 65535)") }
        }
        return entries
    }

    /// ``duration(_:)`` for a setting that must be above zero.
    /// - Parameters:
    ///   - text: the setting's value.
    ///   - name: the setting's name in the error, e.g. `shutdown timeout`.
    /// - Throws: `ValidationError` naming the setting and the value when it is not a positive duration.
    static func positiveDuration(_ text: String, _ name: String) throws -> Duration {
        guard let value = duration(text), value > .zero else {
            throw ValidationError("\(name) '\(text)' is not a positive duration such as 20s, 1500ms or 1m")
        }
        return value
    }

    /// Reads a duration written as a number and a unit (`ms`, `s`, `m`), or a bare number of seconds.
    /// - Parameter text: e.g. `20s`, `1500ms`, `1m`, `2.5`.
    /// - Returns: the duration, or `nil` when `text` is not of that form.
    public static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        let unit = units.first { trimmed.hasSuffix($0.suffix) } ?? ("", 1)
        guard let value = Double(trimmed.dropLast(unit.suffix.count)), value.isFinite, value >= 0 else { return nil }
        return .milliseconds(Int64((value * unit.seconds * 1_000).rounded()))
    }
}
