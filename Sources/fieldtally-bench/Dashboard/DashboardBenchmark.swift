import ArgumentParser
import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine

#if canImport(Glibc)
import Glibc
#endif

/// `fieldtally-bench dashboard`: `tally-dashboard` with a thousand open `/events` streams; for
/// each new partial tally produced to the tallies topic, the time until the last client has the
/// state that shows it, with the dashboard's memory and CPU per event.
struct DashboardBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "SSE fan-out: new partial → last of N clients has it (p50, p99), dashboard memory and CPU per event."
    )

    @Option(help: "Concurrent /events clients.")
    var clients = 1_000

    @Option(help: "Partials produced (one at a time, each waited for).")
    var events = 100

    @OptionGroup var broker: BrokerOptions

    /// `--bin-dir` finds tally-dashboard; `--worker-flag` passes it extra flags.
    @OptionGroup var launch: WorkerLaunchOptions

    func run() async throws {
        Console.line("start: \(MachineLoad.now())")
        try Self.raiseOpenFileLimit(to: clients * 2 + 256)
        // A realistic state: the sample's whole tally, published as partition 0's partial.
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path)
        var offline = OfflineTally(survey: survey)
        for message in try SampleStream.load().keyedMessages { offline.process(message) }
        let sample = offline.aggregator.snapshot()

        let broker = try await self.broker.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        let topics = PipelineTopics(prefix: "bench-dashboard-\(UUID().uuidString.prefix(8))", partitions: self.broker.partitions)
        try await BenchBroker.createTopics([topics.tallies, topics.rejected], partitions: topics.partitions, on: broker)
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-dashboard-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        let executable = try WorkerBinaries.executable("tally-dashboard", in: WorkerBinaries.directory(launch.binDir))
        let dashboard = try WorkerProcess(
            executable: executable,
            arguments: [
                "--brokers", servers, "--schemas", SampleStream.schemasDirectory.path,
                "--topic-tallies", topics.tallies, "--topic-rejected", topics.rejected,
                "--http-port", "0", "--http-host", "127.0.0.1", "--log-format", "json",
            ] + launch.workerFlags,
            logDirectory: logs
        )
        do {
            try await measure(
                dashboard,
                broker: broker,
                topics: topics,
                servers: servers,
                logs: logs,
                sample: sample,
                formId: survey.plan.formId
            )
        } catch {
            await dashboard.stop()
            throw error
        }
        await dashboard.stop()
        Console.line("end: \(MachineLoad.now())")
    }

    private func measure(
        _ dashboard: WorkerProcess,
        broker: TestBroker,
        topics: PipelineTopics,
        servers: String,
        logs: URL,
        sample: PartialTally,
        formId: String
    ) async throws {
        try await dashboard.waitUntilReady()
        guard let port = dashboard.port else { throw BenchError("tally-dashboard did not log its port") }
        Console.line("dashboard benchmark: \(clients) /events clients, \(events) partials; brokers \(servers); logs in \(logs.path)")
        let idleMemory = dashboard.residentBytes ?? 0

        let fleet = try EventStreamFleet(count: clients, port: port)
        defer { fleet.close() }
        // Every client has the first state before the clock starts.
        try await Self.waitUntil(timeout: .seconds(60), "every client connected") { fleet.stateCounts.allSatisfy { $0 >= 1 } }
        let connectedMemory = dashboard.residentBytes ?? 0

        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        var latencies: [Double] = []
        var firsts: [Double] = []
        let cpuBefore = dashboard.cpuSeconds ?? 0
        for k in 1...events {
            let before = fleet.stateCounts
            var partial = sample
            partial.partitions = [0: UInt64(k)]
            partial.asOf = ISO8601DateFormatter().string(from: Date())
            var bytes: [UInt8] = []
            partial.writeJSON(into: &bytes)
            let sent = ContinuousClock.now
            _ = try await producer.send(KafkaProducerRecord(topic: topics.tallies, key: Array("\(formId)/0".utf8), value: bytes))
            try await Self.waitUntil(timeout: .seconds(30), "every client received partial \(k)") {
                zip(fleet.stateCounts, before).allSatisfy { $0 > $1 }
            }
            let arrivals = fleet.lastStates.compactMap { $0 }
            if let last = arrivals.max(), let first = arrivals.min() {
                latencies.append((last - sent).seconds * 1_000)
                firsts.append((first - sent).seconds * 1_000)
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        let cpu = (dashboard.cpuSeconds ?? 0) - cpuBefore
        await producer.close()
        let peak = dashboard.peakResidentBytes ?? 0
        let dropped = (try? await dashboard.metrics())?["fieldtally_dashboard_dropped_clients_total"] ?? 0

        let last = Percentiles(latencies)
        let first = Percentiles(firsts)
        func ms(_ value: Double) -> String { Figure.fixed(value, 1) }
        var table = ResultTable("SSE fan-out to \(clients) clients (\(events) partials)", columns: ["measure", "p50", "p99", "max"])
        table.add("new partial → last client has it (ms)", ms(last.at(0.5)), ms(last.at(0.99)), ms(last.largest))
        table.add("new partial → first client has it (ms)", ms(first.at(0.5)), ms(first.at(0.99)), ms(first.largest))
        table.note(
            "fan-out spread (last − first, p50): \(ms(last.at(0.5) - first.at(0.5))) ms; "
                + "both include the feed's render interval of up to 100 ms"
        )
        table.note(
            "dashboard memory: \(Self.megabytes(idleMemory)) MB idle, \(Self.megabytes(connectedMemory)) MB with \(clients) clients, "
                + "peak \(Self.megabytes(peak)) MB"
        )
        table.note(
            "dashboard CPU per event: \(Figure.fixed(cpu / Double(events) * 1_000, 2)) ms "
                + "(\(Figure.fixed(cpu, 2)) s for \(events) events, pings included)"
        )
        table.note("clients dropped as slow: \(Int(dropped))")
        table.print()
    }

    static func megabytes(_ bytes: Int) -> String { Figure.fixed(Double(bytes) / 1_048_576, 1) }

    static func waitUntil(timeout: Duration, _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw BenchError("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Raises this process's open-file limit (inherited by the dashboard it starts) to `wanted`,
    /// within the hard limit.
    static func raiseOpenFileLimit(to wanted: Int) throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur >= rlim_t(wanted) else { throw BenchError("the open-file limit is \(limit.rlim_max); \(wanted) needed (ulimit -n)") }
    }
}
