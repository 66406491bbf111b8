import Foundation

/// What the HTTP load client (`Deploy/bench/intake_load.py`) printed: one JSON object.
struct LoadResult: Decodable {
    struct Latency: Decodable {
        var p50: Double?
        var p90: Double?
        var p99: Double?
        var p999: Double?
        var max: Double?
    }

    /// Requests sent (one per body).
    var requests: Int
    /// Answers with a 2xx status.
    var ok: Int
    /// Answers per status code.
    var statuses: [String: Int]
    /// Requests whose connection dropped before an answer.
    var failures: Int
    var lastFailure: String?
    /// First request → last answer.
    var seconds: Double
    /// The client's own CPU time.
    var clientCPUSeconds: Double
    /// Request written → answer read, in milliseconds.
    var latency: Latency

    enum CodingKeys: String, CodingKey {
        case requests, ok, statuses, failures, seconds
        case lastFailure = "last_failure"
        case clientCPUSeconds = "client_cpu_seconds"
        case latency = "latency_ms"
    }

    /// Runs `python script arguments…` and reads the JSON object it prints.
    /// - Throws: `BenchError` when it fails or prints something else.
    static func run(python: String, script: String, arguments: [String]) throws -> LoadResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("the load client \(script) exited with status \(process.terminationStatus)") }
        do {
            return try JSONDecoder().decode(LoadResult.self, from: data)
        } catch {
            throw BenchError("the load client printed no result: \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
    }
}
