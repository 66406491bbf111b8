import Foundation
import Hummingbird
import Logging
import SurveyEngine
import TallyDashboard
import TallyWorker

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A ``DashboardServer`` served in process on a free loopback port for the length of `body`,
/// showing the sample's offline tally.
enum RunningDashboard {
    static func run<T: Sendable>(
        credential: DashboardCredential? = nil,
        hub: EventHub = EventHub(),
        _ body: @Sendable (DashboardServer, Int) async throws -> T
    ) async throws -> T {
        let (document, survey) = try TallyTableCSVTests.sampleDocument()
        let readiness = Readiness()
        readiness.markReady()
        let server = DashboardServer(hub: hub, credential: credential, readiness: readiness) { threshold in
            threshold.map { SmallCellSuppression.apply(to: document, below: $0, plan: survey.plan) } ?? document
        }
        var logger = Logger(label: "dashboard-test")
        logger.logLevel = .critical
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let app = server.application(host: "127.0.0.1", port: 0, logger: logger) { port in listening.yield(port) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
            let result = try await body(server, port)
            hub.close()
            group.cancelAll()
            return result
        }
    }

    /// The status code of `GET path` with `headers`, read off the raw response (URLSession would
    /// answer a basic-auth challenge itself).
    static func status(_ port: Int, _ path: String, headers: [String: String] = [:]) async throws -> (Int, String) {
        let connection = try RawHTTPConnection(port: port, path: path, headers: headers.merging(["Accept": "text/event-stream"]) { $1 })
        defer { connection.close() }
        let head = try await connection.read(until: "\r\n\r\n")
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, head.lowercased())
    }

    /// `GET path` with `headers`: status, headers and body text.
    static func get(_ port: Int, _ path: String, headers: [String: String] = [:]) async throws -> (Int, [String: String], String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 30
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields[String(describing: name).lowercased()] = String(describing: value) }
        return (http?.statusCode ?? 0, fields, String(decoding: data, as: UTF8.self))
    }
}
