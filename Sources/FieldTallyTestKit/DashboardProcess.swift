import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `tally-dashboard` process on a ``PipelineFixture``'s topics, on a fixed loopback port (so
/// a test can kill it and start another on the same address, as an operator's restart would).
///
/// The caller ends it with ``kill()`` or ``stop(within:)``; a watchdog kills it if the test
/// process dies.
public final class DashboardProcess: Sendable {
    /// The port it serves on.
    public let port: Int
    /// Where its standard output and error go.
    public let logFile: URL
    /// Its process id.
    public let pid: Int32
    private let process: Process

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `tally-dashboard` with the pipeline's environment, `--http-port port` and
    /// `arguments`, and waits until `/healthz` answers 200 (it has read the tallies topic to its end).
    /// - Parameters:
    ///   - pipeline: whose brokers, topics and schemas it reads.
    ///   - port: the loopback port to serve on.
    ///   - arguments: more flags (e.g. `--auth-token`).
    ///   - logName: the log file's name under the pipeline's log folder.
    /// - Throws: ``PipelineError`` when it is not built, exits, or is not ready within 60 s.
    public static func start(
        on pipeline: PipelineFixture,
        port: Int,
        arguments: [String] = [],
        logName: String = "tally-dashboard"
    ) async throws -> DashboardProcess {
        let executable: URL
        do { executable = try BuildProducts.executable(named: "tally-dashboard") } catch { throw PipelineError("\(error)") }
        var log = pipeline.logDirectory.appendingPathComponent("\(logName).log")
        var n = 1
        while FileManager.default.fileExists(atPath: log.path) {
            n += 1
            log = pipeline.logDirectory.appendingPathComponent("\(logName)-\(n).log")
        }
        let process = try PipelineCommand.launch(
            executable,
            ["--http-port", String(port)] + arguments,
            environment: pipeline.environment,
            output: log,
            errors: log
        )
        let dashboard = DashboardProcess(port: port, logFile: log, process: process)
        try await dashboard.waitUntilReady()
        return dashboard
    }

    private init(port: Int, logFile: URL, process: Process) {
        self.port = port
        self.logFile = logFile
        self.process = process
        self.pid = process.processIdentifier
    }

    /// True until the process has exited.
    public var isRunning: Bool { process.isRunning }

    /// The last `lines` lines of its log, under a heading naming the process id and log file, for a failure message.
    /// - Parameter lines: how many lines to keep, counting non-empty lines only. Default: 25.
    /// - Returns: the heading alone when the log cannot be read.
    public func logTail(lines: Int = 25) -> String {
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return "── tally-dashboard (pid \(pid)), log \(logFile.path):\n" + log.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// `GET path` on ``baseURL``, with a 5 s timeout: status and body (status 0 when nothing answers).
    /// - Parameters:
    ///   - path: appended to ``baseURL`` as written, so it starts with `/` and may carry a query
    ///     (`/api/tallies?suppress=5`); it must form a valid URL (the call traps otherwise).
    ///   - headers: request headers to set, e.g. `Authorization` or `Cookie`. Default: none.
    /// - Returns: the status and the body decoded as UTF-8; `(0, "")` when the request fails (refused, timed out).
    public func get(_ path: String, headers: [String: String] = [:]) async -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.timeoutInterval = 5
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return (0, "") }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Waits until `/healthz` answers 200, asking every 100 ms.
    /// - Parameter timeout: how long to keep asking. Default: 60 s.
    /// - Throws: ``PipelineError`` with the log's tail when it exits first or is not ready in time
    ///   (naming the last status and body); `CancellationError` when the task is cancelled.
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = (status: 0, body: "")
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw PipelineError("tally-dashboard exited before it was ready\n\(logTail())") }
            last = await get("/healthz")
            if last.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PipelineError("tally-dashboard was not ready within \(timeout) (/healthz \(last.status) \(last.body))\n\(logTail())")
    }

    /// SIGKILL, as a crash would; waits until it is gone.
    public func kill() async {
        if process.isRunning { Foundation.kill(pid, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// SIGTERM, then checks it exits with status 0 within `bound`.
    /// - Parameter bound: how long a graceful shutdown may take before it is SIGKILLed. Default: 10 s.
    /// - Returns: how long it took.
    /// - Throws: ``PipelineError`` when it does not exit in time (it is then killed) or exits otherwise.
    @discardableResult
    public func stop(within bound: Duration = .seconds(10)) async throws -> Duration {
        let started = ContinuousClock.now
        Foundation.kill(pid, SIGTERM)
        while process.isRunning {
            if ContinuousClock.now - started > bound {
                await kill()
                throw PipelineError("tally-dashboard did not exit within \(bound) of SIGTERM\n\(logTail())")
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw PipelineError("tally-dashboard exited with \(process.terminationStatus) after SIGTERM\n\(logTail())")
        }
        return ContinuousClock.now - started
    }
}
