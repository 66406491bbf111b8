import FieldTallyTestKit
import Foundation

/// A headless Chromium driven through chromedriver's W3C WebDriver HTTP protocol (Debian's
/// `chromium` and `chromium-driver`, installed by Deploy/setup.sh). One browser session per
/// instance; ``close()`` ends the session and the driver.
final class HeadlessChromium: @unchecked Sendable {
    static let browser = "/usr/bin/chromium"
    static let driver = "/usr/bin/chromedriver"

    private let process: Process
    private let port: Int
    /// chromedriver's log (kept for a failing test's message).
    let logFile: URL
    private var session = ""

    /// Starts chromedriver on a free port and opens a session with a window of `width`×`height`.
    /// - Throws: when chromium or chromedriver is missing (run Deploy/setup.sh) or does not start.
    init(width: Int, height: Int) async throws {
        for tool in [Self.browser, Self.driver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestFailure("\(tool) is missing: the browser test needs Debian's chromium and chromium-driver (Deploy/setup.sh installs them)")
        }
        let port = try freeLoopbackPort()
        self.port = port
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-chromedriver-\(port).log")
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.driver)
        process.arguments = ["--port=\(port)", "--log-path=\(logFile.path)"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        var last = "no answer"
        while true {
            do {
                let status = try await call("GET", "/status")
                if let value = status["value"] as? [String: Any], value["ready"] as? Bool == true { break }
                last = "\(status)"
            } catch {
                last = "\(error)"
            }
            guard ContinuousClock.now < deadline, process.isRunning else {
                close()
                throw TestFailure("chromedriver did not become ready on port \(port): \(last)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": Self.browser,
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)"],
                    ],
                ]
            ]
        ]
        let answer = try await call("POST", "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            close()
            throw TestFailure("chromedriver did not open a session: \(answer); log \(logFile.path)")
        }
        session = id
    }

    /// Opens `url` in the window.
    func open(_ url: String) async throws { _ = try await call("POST", "/session/\(session)/url", ["url": url]) }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    func run(_ script: String) async throws -> Any? {
        try await call("POST", "/session/\(session)/execute/sync", ["script": script, "args": []])["value"]
    }

    /// The page's visible text.
    func text() async throws -> String { (try await run("return document.body.innerText;") as? String) ?? "" }

    /// The text of an open alert, confirm or prompt dialog, or `nil` when none is open.
    func openDialog() async throws -> String? {
        let answer = try await call("GET", "/session/\(session)/alert/text", allowError: true)
        if let value = answer["value"] as? [String: Any], value["error"] != nil { return nil }
        return answer["value"] as? String ?? "(a dialog)"
    }

    /// Resizes the window.
    func resize(width: Int, height: Int) async throws {
        _ = try await call("POST", "/session/\(session)/window/rect", ["width": width, "height": height])
    }

    /// Saves a PNG of the window at `url`.
    func screenshot(to url: URL) async throws {
        guard let base64 = try await call("GET", "/session/\(session)/screenshot")["value"] as? String,
            let data = Data(base64Encoded: base64)
        else { throw TestFailure("no screenshot") }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Waits until `condition` holds for the page's text, at most `limit`.
    /// - Returns: the text that satisfied it.
    /// - Throws: when it never does (with the page's text).
    @discardableResult
    func waitForText(within limit: Duration, _ what: String, _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + limit
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? await self.text()) ?? ""
            if condition(text) { return text }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("the page did not show \(what) within \(limit); it shows:\n\(text.prefix(3_000))")
    }

    /// Ends the session and chromedriver.
    func close() {
        if !session.isEmpty {
            // Ends the browser; a blocking call is fine here (the test is over).
            let done = DispatchSemaphore(value: 0)
            let session = session
            let port = port
            Thread.detachNewThread {
                if let connection = try? RawHTTPConnection(
                    port: port,
                    method: "DELETE",
                    path: "/session/\(session)",
                    headers: ["Connection": "close"],
                    timeout: 10
                ) {
                    let finished = DispatchSemaphore(value: 0)
                    Task {
                        _ = try? await connection.readResponse()
                        finished.signal()
                    }
                    _ = finished.wait(timeout: .now() + 10)
                    connection.close()
                }
                done.signal()
            }
            _ = done.wait(timeout: .now() + 12)
            self.session = ""
        }
        // chromedriver may ignore SIGTERM: SIGKILL after a second.
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// One WebDriver command over a plain socket (`Connection: close`): FoundationNetworking's
    /// URLSession fails on chromedriver's response headers ("Failed writing header").
    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, allowError: Bool = false) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        var headers = ["Connection": "close"]
        if payload != nil { headers["Content-Type"] = "application/json" }
        let connection = try RawHTTPConnection(port: port, method: method, path: path, headers: headers, body: payload, timeout: 60)
        defer { connection.close() }
        let (status, data) = try await connection.readResponse()
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if !allowError, status >= 400 {
            throw TestFailure("WebDriver \(method) \(path) answered \(status): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return json
    }
}
