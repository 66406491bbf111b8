import FieldTallyTestKit
import Foundation
import SurveyEngine

/// What the workers benchmark's steps share.
struct WorkerBench {
    var broker: TestBroker
    var servers: String
    var schemas: String
    var formId: String
    var bin: URL
    var logs: URL
    var kcat: Kcat
    var extraFlags: [String]
    /// The workers whose single runs are profiled with `perf record`.
    var profiles: Set<String> = []

    /// Starts worker `name` on `topics`, in `group` (default: a fresh one).
    func launch(_ name: String, topics: PipelineTopics, group: String? = nil) throws -> WorkerProcess {
        try WorkerProcess(
            executable: WorkerBinaries.executable(name, in: bin),
            arguments: topics.workerArguments(brokers: servers, schemas: schemas, group: group ?? broker.uniqueName(name), extra: extraFlags),
            logDirectory: logs
        )
    }

    /// `perf record -g` attached to `worker` until the returned profiler is stopped.
    func attachProfiler(to worker: WorkerProcess) throws -> Profiler {
        let output = logs.appendingPathComponent("\(worker.name).perf.data")
        Console.line("  profiling \(worker.name) into \(output.path)")
        return try Profiler(pid: worker.pid, output: output)
    }

    /// `kcat -C … -e | kcat -P …` from `source` to `target`.
    func pipe(from source: String, to target: String, expected: Int) async throws -> PipeRun {
        let start = Date()
        try kcat.shell(
            "\(kcat.executable) -C -b \(servers) -t \(Kcat.quote(source)) -e -K'\\t' -q | \(kcat.executable) -P -b \(servers) -t \(Kcat.quote(target)) -K'\\t'"
        )
        let wall = Date().timeIntervalSince(start)
        let scan = try await TopicScan.read(target, brokers: broker.bootstrapServers)
        guard scan.count == expected, let span = scan.span else {
            throw BenchError("the kcat pipe from \(source) moved \(scan.count) records, expected \(expected)")
        }
        return PipeRun(count: scan.count, seconds: span, wall: wall)
    }

    /// Runs `instances` of worker `name` in one group until they have read `expectedIn` records
    /// and gone idle; the rate runs from the first batch any of them took to the last record
    /// written to `outputs`.
    func solo(_ name: String, topics: PipelineTopics, expectedIn: Int, outputs: [String], instances: Int = 1) async throws -> SoloRun {
        let group = broker.uniqueName(name)
        var workers: [WorkerProcess] = []
        do {
            for _ in 0..<max(1, instances) { workers.append(try launch(name, topics: topics, group: group)) }
            for worker in workers { try await worker.waitUntilReady() }
            let profiler = profiles.contains(name) ? try attachProfiler(to: workers[0]) : nil
            let cpuAtStart = workers.map(\.cpuSeconds)
            try await WorkerProcess.waitUntilIdle(workers, after: expectedIn)
            let cpuAtEnd = workers.map(\.cpuSeconds)
            let peakResidentBytes = workers.compactMap(\.peakResidentBytes).max()
            profiler?.stop()
            for worker in workers { await worker.stop() }
            var scan = TopicScan()
            for topic in outputs { scan = scan.combined(with: try await TopicScan.read(topic, brokers: broker.bootstrapServers)) }
            guard let start = workers.compactMap(\.firstBatchAt).min()?.kafkaMilliseconds, let last = scan.lastTimestamp else {
                throw BenchError("\(name) logged no first batch or wrote nothing; logs \(workers.map(\.logFile.path))")
            }
            let used = zip(cpuAtStart, cpuAtEnd).map { start, end in start.flatMap { s in end.map { $0 - s } } }
            let cpu = used.contains(nil) ? nil : used.compactMap { $0 }.reduce(0, +)
            return SoloRun(
                inputs: expectedIn,
                outputs: scan.count,
                seconds: Double(last - start) / 1000,
                startMilliseconds: start,
                cpuSeconds: cpu,
                peakResidentBytes: peakResidentBytes,
                log: workers[0].logFile.path
            )
        } catch {
            for worker in workers { await worker.stop() }
            throw error
        }
    }

    struct PipelineRun {
        var produceSeconds: Double
        var seconds: Double
        var cpu: [(String, Double)]
    }

    /// The three workers on fresh topics, joined first; then `file` is produced and the run
    /// ends when the published partials count every message.
    func pipeline(file: URL, count: Int, partitions: Int, timeout: Duration = .seconds(900)) async throws -> PipelineRun {
        let topics = PipelineTopics(prefix: broker.uniqueName("bench-pipeline"), partitions: partitions)
        try await BenchBroker.createTopics(topics.all, partitions: partitions, on: broker)
        var workers: [WorkerProcess] = []
        do {
            for name in ["tally-validate", "tally-code", "tally-aggregate"] { workers.append(try launch(name, topics: topics)) }
            for worker in workers { try await worker.waitUntilReady() }
            let cpuAtStart = workers.map(\.cpuSeconds)
            let start = Date()
            try kcat.run(["-P", "-b", servers, "-t", topics.submissions, "-K", "\t", "-l", file.path])
            let produced = Date().timeIntervalSince(start)
            let deadline = ContinuousClock.now + timeout
            var timeline = TallyTimeline()
            while true {
                timeline = try await TallyTimeline.read(topics.tallies, formId: formId, brokers: broker.bootstrapServers)
                if timeline.received >= count { break }
                guard ContinuousClock.now < deadline else {
                    throw BenchError("the pipeline's partials count \(timeline.received) of \(count) messages after \(timeout)")
                }
                for worker in workers where !worker.isRunning { throw BenchError("\(worker.name) exited; log \(worker.logFile.path)") }
                try await Task.sleep(for: .seconds(1))
            }
            let cpu = zip(workers, cpuAtStart).map { worker, startCPU in
                (worker.name, (worker.cpuSeconds ?? 0) - (startCPU ?? 0))
            }
            for worker in workers { await worker.stop() }
            guard let reached = timeline.firstTime(totalReaching: UInt64(count)) else { throw BenchError("no partial counted every message") }
            return PipelineRun(produceSeconds: produced, seconds: Double(reached - start.kafkaMilliseconds) / 1000, cpu: cpu)
        } catch {
            for worker in workers { await worker.stop() }
            throw error
        }
    }
}
