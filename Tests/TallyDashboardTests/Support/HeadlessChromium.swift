import FieldTallyTestKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A headless Chromium driven through chromedriver's W3C WebDriver HTTP protocol (Debian's
/// `chromium` and `chromium-driver`, installed by Deploy/setup.sh). One browser session per
/// instance; ``close()`` ends the session and the driver.
final class HeadlessChromium: @unchecked Sendable {
    static let browser = "/usr/bin/chromium"
    static let driver = "/usr/bin/chromedriver"

    private let process: Process
    private let endpoint: String
    private var session = ""

    /// Starts chromedriver on a free port and opens a session with a window of `width`×`height`.
    /// - Throws: when chromium or chromedriver is missing (run Deploy/setup.sh) or does not start.
    init(width: Int, height: Int) async throws {
        for tool in [Self.browser, Self.driver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestFailure("\(tool) is missing: the browser test needs Debian's chromium and chromium-driver (Deploy/setup.sh installs them)")
        }
        let port = try freeLoopbackPort()
        endpoint = "http://127.0.0.1:\(port)"
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.driver)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? await call("GET", "/status"))?["value"].flatMap({ ($0 as? [String: Any])?["ready"] as? Bool }) != true {
            guard ContinuousClock.now < deadline, process.isRunning else {
                close()
                throw TestFailure("chromedriver did not become ready on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": Self.browser,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)"],
            ],
        ]]]
        let answer = try await call("POST", "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            close()
            throw TestFailure("chromedriver did not open a session: \(answer)")
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
              let data = Data(base64Encoded: base64) else { throw TestFailure("no screenshot") }
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
            var request = URLRequest(url: URL(string: "\(endpoint)/session/\(session)")!)
            request.httpMethod = "DELETE"
            request.timeoutInterval = 10
            let done = DispatchSemaphore(value: 0)
            URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
            _ = done.wait(timeout: .now() + 10)
            session = ""
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, allowError: Bool = false) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: endpoint + path)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if !allowError, let status = (response as? HTTPURLResponse)?.statusCode, status >= 400 {
            throw TestFailure("WebDriver \(method) \(path) answered \(status): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return json
    }
}
