import Foundation

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
    public static func start(
        for pipeline: PipelineFixture,
        port: Int = 0,
        arguments: [String] = [],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> IntakeGatewayProcess {
        let executable: URL
        do { executable = try BuildProducts.executable(named: "tally-intake") } catch { throw PipelineError("\(error)") }
        let log = pipeline.logDirectory.appendingPathComponent("tally-intake-\(UUID().uuidString.prefix(8)).log")
        let process = try PipelineCommand.launch(
            executable,
            ["--http-port", String(port)] + arguments,
            environment: pipeline.environment.merging(environment) { $1 },
            output: log,
            errors: log
        )
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

    /// Its log's last `lines` lines, under a heading naming the process id, for a failure message.
    /// - Parameter lines: how many lines to keep, counting non-empty lines only. Default: 30.
    /// - Returns: the heading alone when the log cannot be read.
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
    public func post(
        _ path: String,
        body: [UInt8],
        contentType: String,
        headers: [String: String] = [:],
        timeout: TimeInterval = 30
    ) async throws -> Answer {
        try await request("POST", path, body: body, headers: headers.merging(["Content-Type": contentType]) { $1 }, timeout: timeout)
    }

    /// Any request to this gateway, on `127.0.0.1` and its ``port``, made by curl as the static `request` makes it.
    /// - Parameters:
    ///   - method: the HTTP method, e.g. `GET` or `POST`.
    ///   - path: appended to `http://127.0.0.1:<port>` as written, so it starts with `/` and may carry a
    ///     query; it must form a valid URL (the call traps otherwise).
    ///   - body: the request body, sent byte for byte; `nil` sends none. Default: `nil`.
    ///   - headers: request headers, e.g. `Content-Type` or `Authorization`. Default: none.
    ///   - timeout: longest the whole request may take, in seconds. Default: 30.
    /// - Returns: the answer, whatever its status.
    /// - Throws: ``PipelineError`` when curl is missing or no answer came (connection refused or dropped, timeout).
    public func request(
        _ method: String,
        _ path: String,
        body: [UInt8]? = nil,
        headers: [String: String] = [:],
        timeout: TimeInterval = 30
    ) async throws -> Answer {
        try await Self.request(method, URL(string: "http://127.0.0.1:\(port)\(path)")!, body: body, headers: headers, timeout: timeout)
    }

    /// Any HTTP request, made by curl (installed by Deploy/setup.sh): FoundationNetworking's
    /// URLSession on Linux never completes a request answered 401 with `WWW-Authenticate`.
    ///
    /// curl is run with `Expect:` cleared, so a large body is sent at once rather than after a `100 Continue`.
    /// - Parameters:
    ///   - method: the HTTP method, passed to curl's `-X`.
    ///   - url: the full URL to request.
    ///   - body: the request body, streamed to curl's standard input (`--data-binary @-`) byte for
    ///     byte; `nil` sends none. Default: `nil`.
    ///   - headers: request headers, one `-H` each. Default: none.
    ///   - timeout: longest the whole request may take, in seconds (curl's `--max-time`). Default: 30.
    /// - Returns: the status, lower-cased headers and body of the first HTTP head in curl's output.
    /// - Throws: ``PipelineError`` when curl is missing, or no answer came (connection refused
    ///   or dropped, timeout), or the output holds no HTTP head.
    public static func request(
        _ method: String,
        _ url: URL,
        body: [UInt8]? = nil,
        headers: [String: String] = [:],
        timeout: TimeInterval = 30
    ) async throws -> Answer {
        guard let curl = ["/usr/bin/curl", "/usr/local/bin/curl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw PipelineError("curl is not installed: run Deploy/setup.sh")
        }
        var arguments = ["-sS", "-i", "-X", method, "--max-time", String(timeout), "-H", "Expect:"]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        if let body {
            arguments += ["--data-binary", "@-"]
            process.standardInput = input
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        process.arguments = arguments + [url.absoluteString]
        let finished = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = {
            finished.continuation.yield($0.terminationStatus)
            finished.continuation.finish()
        }
        try process.run()
        if let body {
            let writer = input.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(Data(body))
                try? writer.close()
            }
        }
        let reader = output.fileHandleForReading
        let errorReader = errors.fileHandleForReading
        async let received = Task.detached { reader.readDataToEndOfFile() }.value
        async let complaint = Task.detached { errorReader.readDataToEndOfFile() }.value
        let (data, stderr) = await (received, complaint)
        var status: Int32 = -1
        for await code in finished.stream { status = code }
        guard status == 0 else {
            throw PipelineError("curl \(method) \(url) failed (\(status)): \(String(decoding: stderr, as: UTF8.self))")
        }
        return try parse(data, from: url)
    }

    /// Reads curl's `-i` output: the status line, the headers, a blank line, the body.
    static func parse(_ data: Data, from url: URL) throws -> Answer {
        let bytes = Array(data)
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw PipelineError("\(url) answered no HTTP head: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n")
        let status = head.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: fields, body: Data(bytes[(end + 4)...]))
    }
}
