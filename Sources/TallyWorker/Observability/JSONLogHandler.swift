import Foundation
import Logging

/// A swift-log handler writing one line per event to standard error: a JSON object
/// (`ts`, `level`, `worker`, `msg`, metadata as members) or, in human format, a readable line.
public struct WorkerLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let json: Bool

    /// Creates a handler that logs at `.info` and above with no handler metadata.
    /// - Parameters:
    ///   - label: the logger's label, written as `worker` in JSON and before the message in human format.
    ///   - json: `true` for one JSON object per line (keys sorted, every value a string), `false` for
    ///     `<timestamp> <LEVEL> <label>: <message> key=value…` with metadata sorted by key.
    public init(label: String, json: Bool) {
        self.label = label
        self.json = json
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as a single line to standard error.
    ///
    /// The event's metadata overrides the handler's on a clash, and an attached error is added as `error`.
    /// Timestamps are ISO 8601 with fractional seconds. An event whose JSON object cannot be serialised is written as an empty line.
    /// - Parameter event: the event swift-log hands over; its level was already checked against ``logLevel``.
    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var all = metadata
        if let explicit = event.metadata { all.merge(explicit) { $1 } }
        if let error = event.error { all["error"] = "\(error)" }
        let ts = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        var out: String
        if json {
            var object: [String: String] = ["ts": ts, "level": level.rawValue, "worker": label, "msg": message.description]
            for (k, v) in all { object[k] = v.description }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            out = String(decoding: data, as: UTF8.self)
        } else {
            out = "\(ts) \(level.rawValue.uppercased()) \(label): \(message)"
            if !all.isEmpty { out += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        }
        out += "\n"
        FileHandle.standardError.write(Data(out.utf8))
    }
}

extension WorkerConfiguration {
    /// Installs the process-wide log handler this configuration asks for and returns the worker's logger.
    public func bootstrapLogging() -> Logger {
        let json = logFormat == .json
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var h = WorkerLogHandler(label: label, json: json)
            h.logLevel = level
            return h
        }
        return Logger(label: workerName)
    }
}
