import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `tally-intake` process on a ``PipelineFixture``'s topics, for the gateway's integration
/// tests: started with the fixture's environment and `--http-port 0`, its port read from its log.
///
/// ```swift
/// let gateway = try await IntakeGatewayProcess.start(for: pipeline)
/// defer { gateway.terminate() }
/// let answer = try await gateway.post("/v1/kobo/wwc-csc-2018", body: bytes, contentType: "application/json")
/// ```
public final class IntakeGatewayProcess: Sendable {
    /// One HTTP answer.
    public struct Answer: Sendable {
        /// The status code.
        public var status: Int
        /// The headers, names lower-cased.
        public var headers: [String: String]
        /// The body.
        public var body: Data
        /// The body as text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The process id.
    public let pid: Int32
    /// Its log (standard output and error).
    public let logFile: URL
    /// The port it serves.
    public let port: Int
    private let process: Process

    private init(process: Process, logFile: URL, port: Int) {
        self.process = process
        self.pid = process.processIdentifier
        self.logFile = logFile
        self.port = port
    }

    /// Starts `tally-intake` with `pipeline`'s environment plus `environment`, and waits until
    /// `/healthz` answers 200.
    /// - Parameters:
    ///   - pipeline: whose brokers, topics and schemas it uses.
    ///   - port: the HTTP port (0: any free one). Default: 0.
    ///   - arguments: more arguments.
    ///   - environment: more variables (e.g. `TALLY_INTAKE_ACK_TIMEOUT`).
    ///   - timeout: longest to wait for readiness. Default: 60 s.
    /// - Throws: ``PipelineError`` when it is not built, exits, or is not ready in time (with its log).
    public static func start(for pipeline: PipelineFixture, port: Int = 0, arguments: [String] = [], environment: [String: String] = [:],
                             timeout: Duration = .seconds(60)) async throws -> IntakeGatewayProcess {
        let executable: URL
        do { executable = try BuildProducts.executable(named: "tally-intake") } catch { throw PipelineError("\(error)") }
        let log = pipeline.logDirectory.appendingPathComponent("tally-intake-\(UUID().uuidString.prefix(8)).log")
        let process = try PipelineCommand.launch(executable, ["--http-port", String(port)] + arguments,
                                                 environment: pipeline.environment.merging(environment) { $1 }, output: log, errors: log)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard process.isRunning else { throw PipelineError("tally-intake exited with \(process.terminationStatus):\n\(text.suffix(3_000))") }
            if let port = Self.port(in: text) {
                let gateway = IntakeGatewayProcess(process: process, logFile: log, port: port)
                if let answer = try? await gateway.request("GET", "/healthz"), answer.status == 200 { return gateway }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Foundation.kill(process.processIdentifier, SIGKILL)
        throw PipelineError("tally-intake was not ready within \(timeout):\n\(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(3_000))")
    }

    static func port(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("serving /healthz and /metrics") {
            guard let range = line.range(of: "port=") ?? line.range(of: "\"port\":\"") else { continue }
            if let port = Int(line[range.upperBound...].prefix { $0.isNumber }) { return port }
        }
        return nil
    }

    /// True until the process has exited.
    public var isRunning: Bool { process.isRunning }

    /// Its log's last `lines` lines.
    public func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return "tally-intake (pid \(pid)):\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// SIGKILL, as a crash would; waits until it is gone.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL after 10 s; waits until it is gone. Returns the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        if process.isRunning {
            Foundation.kill(pid, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { Foundation.kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// `POST path` with `body`.
    /// - Parameters:
    ///   - path: e.g. `/v1/submissions`.
    ///   - body: the body.
    ///   - contentType: its media type.
    ///   - headers: more headers (e.g. `Authorization`).
    ///   - timeout: longest to wait for the answer. Default: 30 s.
    /// - Throws: when no answer came (connection refused or dropped, timeout).
    public func post(_ path: String, body: [UInt8], contentType: String, headers: [String: String] = [:],
                     timeout: TimeInterval = 30) async throws -> Answer {
        try await request("POST", path, body: body, headers: headers.merging(["Content-Type": contentType]) { $1 }, timeout: timeout)
    }

    /// Any request to this gateway.
    public func request(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:],
                        timeout: TimeInterval = 30) async throws -> Answer {
        try await Self.request(method, URL(string: "http://127.0.0.1:\(port)\(path)")!, body: body, headers: headers, timeout: timeout)
    }

    /// Any HTTP request (URLSession, no cache, no cookies).
    public static func request(_ method: String, _ url: URL, body: [UInt8]? = nil, headers: [String: String] = [:],
                               timeout: TimeInterval = 30) async throws -> Answer {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let body { request.httpBody = Data(body) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Answer(status: http?.statusCode ?? 0, headers: fields, body: data)
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()
}
