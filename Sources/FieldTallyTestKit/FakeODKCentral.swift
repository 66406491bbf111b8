import Foundation
import SurveyEngine

/// A small stand-in for an ODK Central server, for the poller's test (there is no Central
/// here): a Python HTTP server answering the OData submissions feed of one form from recorded
/// rows, with Central's query options (`$filter` on `__system/updatedAt` /
/// `__system/submissionDate` with `ge`/`gt`, `$orderby`, `$top`, `$skip`) and basic
/// authentication. The rows are read from a file on every request, so a test changes the feed
/// (new submissions, edits) with ``setRows(_:)``. Every answered page is logged as a JSON line
/// (`served`: the `__id`s it held).
public final class FakeODKCentral: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let baseURL: URL
    /// The credentials it accepts.
    public let email: String, password: String
    private let rowsFile: URL
    private let logFile: URL
    private let process: Process

    /// Starts a fake serving project `project`, form `form`, with no rows, on a free loopback port.
    ///
    /// Its script, rows and log live in a new folder under the temporary directory. It waits up to 15 s
    /// for `/ping` to answer 200; the server is killed when the fake is deinitialised or ``stop()`` is called.
    /// - Parameters:
    ///   - project: the project id in the feed's path, `/v1/projects/<project>/forms/<form>.svc/Submissions`.
    ///   - form: the form id in the feed's path; other paths answer 404.
    ///   - email: the basic-auth user it accepts. Default: `poller@example.org`.
    ///   - password: the basic-auth password it accepts. Default: `secret`.
    /// - Throws: ``PipelineError`` when python3 is missing or the server does not start (with its log);
    ///   a file-system error when its folder cannot be written.
    public init(project: Int, form: String, email: String = "poller@example.org", password: String = "secret") async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-central-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        rowsFile = directory.appendingPathComponent("rows.json")
        logFile = directory.appendingPathComponent("central.log")
        try Data("[]".utf8).write(to: rowsFile)
        let script = directory.appendingPathComponent("central.py")
        try Data(Self.script.utf8).write(to: script)
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw PipelineError("python3 is not installed (the fake ODK Central needs it): run Deploy/setup.sh")
        }
        let port = try freeLoopbackPort()
        self.email = email
        self.password = password
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        process = try PipelineCommand.launch(
            URL(fileURLWithPath: python),
            [
                script.path, String(port), rowsFile.path, "/v1/projects/\(project)/forms/\(form).svc/Submissions",
                email, password,
            ],
            environment: ProcessInfo.processInfo.environment,
            output: logFile,
            errors: logFile
        )
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let answer = try? await IntakeGatewayProcess.request("GET", baseURL.appendingPathComponent("ping"), timeout: 2), answer.status == 200 {
                return
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        throw PipelineError("the fake ODK Central did not start:\n\((try? String(contentsOf: logFile, encoding: .utf8)) ?? "")")
    }

    /// Replaces the feed's rows (Central's current version of each submission).
    ///
    /// The file is replaced atomically, so a request in flight sees either the old rows or the new.
    /// Rows need Central's members the fake filters and orders on: `__id` and `__system/submissionDate`,
    /// plus `__system/updatedAt` for an edit.
    /// - Parameter rows: every row the feed now holds, in any order (each page is served by submission date, then `__id`).
    /// - Throws: a file-system error when the rows file cannot be written.
    public func setRows(_ rows: [JSONValue]) throws {
        try Data(JSONWriter(sortsKeys: false).bytes(.array(rows))).write(to: rowsFile, options: .atomic)
    }

    /// The `__id`s of every row served so far, in order, over all pages.
    public func servedIDs() -> [String] {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONParser().parse(String($0)) }
            .flatMap { $0["served"]?.arrayValue ?? [] }.compactMap(\.stringValue)
    }

    /// How many feed pages were answered so far, empty pages included: each poll asks for one at least.
    public func servedPages() -> Int {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count { (try? JSONParser().parse(String($0)))?["served"] != nil }
    }

    /// Stops the server (SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM).
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    static let script = #"""
        import base64, json, re, sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlparse, parse_qs

        port, rows_file, feed_path, email, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        expected_auth = "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()

        def changed(row, field):
            return (row.get("__system") or {}).get(field)

        class Central(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/ping":
                    return self.answer(200, {"ok": True})
                if url.path != feed_path:
                    return self.answer(404, {"message": "no such feed"})
                if self.headers.get("Authorization") != expected_auth:
                    return self.answer(401, {"message": "Could not authenticate with the provided credentials."})
                query = parse_qs(url.query)
                rows = json.load(open(rows_file))
                for clause in (query.get("$filter") or [""])[0].split(" or "):
                    pass
                text = (query.get("$filter") or [""])[0]
                if text:
                    terms = re.findall(r"__system/(updatedAt|submissionDate) (ge|gt) (\S+)", text)
                    def keep(row):
                        for field, op, value in terms:
                            have = changed(row, field)
                            if have is not None and (have >= value if op == "ge" else have > value):
                                return True
                        return False
                    rows = [row for row in rows if keep(row)]
                rows.sort(key=lambda row: (changed(row, "submissionDate") or "", row.get("__id", "")))
                skip = int((query.get("$skip") or ["0"])[0])
                top = int((query.get("$top") or [str(len(rows))])[0])
                page = rows[skip:skip + top]
                print(json.dumps({"filter": text, "skip": skip, "served": [row.get("__id") for row in page]}), flush=True)
                self.answer(200, {"@odata.context": "fake", "value": page})

        ThreadingHTTPServer(("127.0.0.1", port), Central).serve_forever()
        """#
}
