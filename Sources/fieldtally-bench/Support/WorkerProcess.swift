import FieldTallyTestKit
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A worker executable (`tally-validate`, `tally-code`, `tally-aggregate`) run by a benchmark:
/// its JSON log lines (standard error) are read as they come, to learn its HTTP port and when it
/// took its first batch; `/healthz` and `/metrics` are read over HTTP; its CPU time from `/proc`.
final class WorkerProcess: Sendable {
    /// The worker's name (executable).
    let name: String
    /// Where its log lines are kept.
    let logFile: URL
    private let process: Process
    private let state = Mutex(State())

    private struct State {
        var pending: [UInt8] = []
        var port: Int?
        /// When the first "prepared partitions" line arrived: the first batch is in hand.
        var firstBatchAt: Date?
        var lines = 0
    }

    /// Launches `executable` with `arguments`; its log goes to `logDirectory/<name>-<id>.log`.
    init(executable: URL, arguments: [String], logDirectory: URL) throws {
        self.name = executable.lastPathComponent
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        logFile = logDirectory.appendingPathComponent("\(self.name)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            let arrived = Date()
            log.write(data)
            state.withLock { s in
                s.pending.append(contentsOf: data)
                while let newline = s.pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(s.pending[..<newline])
                    s.pending.removeSubrange(...newline)
                    s.lines += 1
                    guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                        let message = object["msg"] as? String
                    else { continue }
                    if message.hasPrefix("serving /healthz"), let port = (object["port"] as? String).flatMap(Int.init) {
                        s.port = port
                    } else if message == "prepared partitions", s.firstBatchAt == nil {
                        s.firstBatchAt = arrived
                    }
                }
            }
        }
        try process.run()
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// When the worker logged that it took its first batch, if it has.
    var firstBatchAt: Date? { state.withLock { $0.firstBatchAt } }

    /// Whether it is still running.
    var isRunning: Bool { process.isRunning }

    /// CPU seconds it has used so far.
    var cpuSeconds: Double? { CPUClock.processCPUSeconds(pid: pid) }

    /// The port it serves HTTP on, once logged.
    var port: Int? { state.withLock { $0.port } }

    /// Its resident memory now (`VmRSS`) in bytes.
    var residentBytes: Int? { ProcessMemory.residentBytes(pid: pid) }

    /// Its peak resident memory so far (`VmHWM`) in bytes.
    var peakResidentBytes: Int? { ProcessMemory.peakResidentBytes(pid: pid) }

    /// Waits until it serves HTTP and `/healthz` answers 200 (assigned and ready).
    /// - Throws: `BenchError` when it exits or is not ready within `timeout`.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("\(name) exited with status \(process.terminationStatus); log \(logFile.path)") }
            if let port = state.withLock({ $0.port }), let (status, _) = try? await get(port: port, path: "/healthz"), status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("\(name) was not ready within \(timeout); log \(logFile.path)")
    }

    /// The worker's metrics: each sample's value summed over its labels, keyed by metric name
    /// (`tally_records_in_total`, `tally_batch_seconds_count`, …).
    func metrics() async throws -> [String: Double] {
        guard let port = state.withLock({ $0.port }) else { return [:] }
        let (_, body) = try await get(port: port, path: "/metrics")
        var values: [String: Double] = [:]
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            let name = series.firstIndex(of: "{").map { String(series[..<$0]) } ?? String(series)
            values[name, default: 0] += value
        }
        return values
    }

    /// Waits until `workers` (one or more instances of a worker in one group) have read at least
    /// `records` input records between them and then processed no further batch for `quiet` (so
    /// the batches in hand are finished and their output delivered).
    /// - Throws: `BenchError` when one exits or they do not get there within `timeout`.
    static func waitUntilIdle(
        _ workers: [WorkerProcess],
        after records: Int,
        quiet: Duration = .milliseconds(600),
        timeout: Duration = .seconds(600)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var last: (Double, Double)?
        var since = ContinuousClock.now
        while ContinuousClock.now < deadline {
            var now = (0.0, 0.0)
            for worker in workers {
                guard worker.isRunning else {
                    throw BenchError("\(worker.name) exited with status \(worker.process.terminationStatus); log \(worker.logFile.path)")
                }
                let m = (try? await worker.metrics()) ?? [:]
                now.0 += m["tally_records_in_total"] ?? 0
                now.1 += m["tally_batch_seconds_count"] ?? 0
            }
            if now.0 >= Double(records) {
                if let last, last == now {
                    if ContinuousClock.now - since >= quiet { return }
                } else {
                    since = .now
                }
            }
            last = now
            try await Task.sleep(for: .milliseconds(100))
        }
        let names = workers.map { "\($0.name) (log \($0.logFile.path))" }.joined(separator: ", ")
        throw BenchError("\(names) did not read \(records) records within \(timeout)")
    }

    /// SIGTERM, then waits for it to exit (SIGKILL after `grace`).
    func stop(grace: Duration = .seconds(20)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGKILL, as a crash would; waits until it is gone.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The metadata of every JSON log line it wrote so far whose message is `message`.
    func logEntries(_ message: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any], object["msg"] as? String == message
            else { return nil }
            return object
        }
    }

    private func get(port: Int, path: String) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
