import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One worker process started by a ``PipelineFixture``: which stage it runs, its process id,
/// its log file, its HTTP port and its memory.
///
/// Instances are made by ``PipelineFixture/start(_:waitUntilReady:)``; stop or kill them through the fixture
/// (``PipelineFixture/stop(_:within:)``, ``PipelineFixture/kill(_:)``), which also stops every
/// instance still running when the test ends.
public final class PipelineWorker: Sendable, CustomStringConvertible {
    /// A worker executable of the pipeline, or a subscriber of its output.
    public enum Stage: String, Sendable, CaseIterable {
        /// `tally-validate`: submissions → valid, dead letters.
        case validate = "tally-validate"
        /// `tally-code`: valid → coded.
        case code = "tally-code"
        /// `tally-aggregate`: coded + dead letters → partial tallies, changelog.
        case aggregate = "tally-aggregate"
        /// `tally-store`: partial tallies + dead letters → a database (not part of ``pipeline``).
        case store = "tally-store"

        /// The three stages from submissions to tallies, in order.
        public static let pipeline: [Stage] = [.validate, .code, .aggregate]
    }

    /// The stage this process runs.
    public let stage: Stage
    /// `<stage>-<n>`, unique within the fixture (e.g. `tally-code-2`); names the log file.
    public let name: String
    /// Where the process's standard output and error go.
    public let logFile: URL
    /// The process id.
    public let pid: Int32
    private let process: Process

    init(stage: Stage, name: String, logFile: URL, process: Process) {
        self.stage = stage
        self.name = name
        self.logFile = logFile
        self.process = process
        self.pid = process.processIdentifier
    }

    /// `name (pid N)`.
    public var description: String { "\(name) (pid \(pid))" }

    /// True until the process has exited.
    public var isRunning: Bool { process.isRunning }

    /// The exit status once exited (the signal number when killed by a signal), else `nil`.
    public var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// True once exited because of a signal (e.g. SIGKILL) rather than by returning.
    public var wasKilledBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Sends `signal` to the process (no-op once it has exited).
    ///
    /// Prefer ``PipelineFixture/stop(_:within:)`` and ``PipelineFixture/kill(_:)``: a worker ended with this
    /// is reported as an unexpected exit by ``PipelineFixture/checkWorkersAlive()``.
    ///
    /// - Parameter signal: A signal number, e.g. `SIGTERM` for a graceful stop or `SIGKILL` for a crash.
    public func send(_ signal: Int32) {
        if process.isRunning { Foundation.kill(pid, signal) }
    }

    /// Waits until the process exits, at most `timeout`; returns whether it exited.
    /// Polls every 20 ms; returns early (false) when the task is cancelled.
    ///
    /// - Parameter timeout: Longest wait from now; with zero, reports whether it has already exited.
    /// - Returns: True once the process has exited; false at the deadline or on cancellation, the process still running.
    public func waitUntilExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// The worker's log so far.
    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines of the log, headed by the worker's name and the log's path.
    ///
    /// - Parameter lines: Lines from the end of the log; a shorter log is returned whole. Default: 25.
    /// - Returns: A header line (name, pid, running or exit status, log path) followed by the tail.
    public func logTail(lines: Int = 25) -> String {
        let tail = log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
        let state = isRunning ? "running" : "exited with status \(process.terminationStatus)"
        return "── \(description), \(state), log \(logFile.path) (last \(lines) lines):\n\(tail)"
    }

    /// The port of `/healthz` and `/metrics`, from the log line
    /// `serving /healthz and /metrics port=N`, or `nil` until the worker has logged it.
    public var httpPort: Int? {
        for line in log.split(separator: "\n") where line.contains("serving /healthz and /metrics") {
            for marker in ["port=", "\"port\":\""] {
                guard let range = line.range(of: marker) else { continue }
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return port }
            }
        }
        return nil
    }

    /// The answer of `GET http://127.0.0.1:<httpPort><path>`: status code and body text.
    ///
    /// - Parameter path: The request path with its leading slash, e.g. `/healthz` or `/metrics`.
    /// - Returns: The HTTP status (any status, including 503, is returned, not thrown) and the body decoded as UTF-8.
    /// - Throws: ``PipelineError`` when the port is not logged yet or nothing answers within 5 s.
    public func get(_ path: String) async throws -> (status: Int, body: String) {
        guard let port = httpPort else { throw PipelineError("\(description) has not logged its HTTP port yet") }
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw PipelineError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        } catch {
            throw PipelineError("GET \(url) of \(description) failed: \(error)")
        }
    }

    /// The resident set size (`VmRSS` of `/proc/<pid>/status`) in bytes, or `nil` once exited.
    public var residentBytes: Int? { ProcessMemory.residentBytes(pid: pid) }

    /// The highest resident set size so far (`VmHWM`) in bytes, or `nil` once exited.
    public var peakResidentBytes: Int? { ProcessMemory.peakResidentBytes(pid: pid) }
}
