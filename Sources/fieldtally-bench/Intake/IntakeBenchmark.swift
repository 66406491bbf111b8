import ArgumentParser
import FieldTallyTestKit
import Foundation
import SurveyEngine

/// `fieldtally-bench intake`: `tally-intake` taking distinct submissions over HTTP/1.1 keep-alive
/// from concurrent clients (each waiting for its answer before the next request, as a platform's
/// webhook sender does), beside `kcat -P` producing the same records, in the same run.
struct IntakeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Submissions/s tally-intake accepts over HTTP/1.1 keep-alive from N clients, ack p50/p99, vs kcat -P of the same records.",
        discussion: """
            Each round produces the records with kcat -P (idempotent) to a fresh topic, then starts tally-intake on \
            another fresh topic and posts every record once (POST /v1/submissions, one submission per request) from \
            --clients connections (Deploy/bench/intake_load.py, Python's asyncio). Every answer must be 2xx; others are \
            counted and shown, and the topic must then hold one record per 2xx.
            """
    )

    @Option(help: "Distinct submissions posted (and produced by kcat) per round.")
    var messages = 20_000

    @Option(help: "Concurrent keep-alive HTTP/1.1 connections, one request in flight each.")
    var clients = 50

    @Option(help: "Rounds of kcat and tally-intake, alternating; the best round of each is reported (the machine is shared).")
    var rounds = 3

    @Option(help: "The load client script (default: Deploy/bench/intake_load.py of the package).")
    var client: String?

    @Option(help: "Python 3 interpreter for the load client.")
    var python = "python3"

    @OptionGroup var input: InputOptions
    @OptionGroup var kafka: BrokerOptions
    @OptionGroup var launch: WorkerLaunchOptions

    func run() async throws {
        let loadAtStart = MachineLoad.now()
        // Generated input holds rejected messages too (the sample's mix); a quarter more leaves enough valid ones.
        let generated = try input.load(generating: messages + messages / 4 + 200)
        let survey = try SurveyDefinition(directory: generated.schemas)
        let records = Array(generated.messages.lazy.filter { survey.validator.validate($0.value).submission != nil }.prefix(messages))
        guard records.count == messages else { throw BenchError("the input has \(records.count) valid submissions; \(messages) needed") }
        var posted = generated
        posted.messages = records
        let script = client ?? SampleStream.packageRoot.appendingPathComponent("Deploy/bench/intake_load.py").path
        guard FileManager.default.fileExists(atPath: script) else { throw BenchError("no load client at \(script) (--client)") }
        let bin = WorkerBinaries.directory(launch.binDir)
        let executable = try WorkerBinaries.executable("tally-intake", in: bin)

        let broker = try await kafka.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-intake-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let file = work.appendingPathComponent("input.tsv")
        try posted.write(to: file)
        let kcat = Kcat(executable: kafka.kcat)
        Console.line(
            "intake benchmark: \(Figure.count(records.count)) distinct valid submissions (mean \(Figure.count(posted.meanValueBytes)) B), "
                + "\(clients) keep-alive clients; \(kafka.partitions) partitions; brokers \(servers)\(kafka.startedHereNote); "
                + "tally-intake from \(bin.path); logs in \(work.path)"
        )
        Console.line("start: \(loadAtStart)")

        var kcatRuns: [Double] = []
        var intakeRuns: [IntakeRun] = []
        for round in 1...max(1, rounds) {
            let kcatTopic = try await broker.createTopic("bench-intake-kcat", partitions: kafka.partitions)
            let kcatStart = ContinuousClock.now
            try kcat.run(["-P", "-b", servers, "-t", kcatTopic, "-K", "\t", "-X", "enable.idempotence=true", "-l", file.path])
            let kcatSeconds = (ContinuousClock.now - kcatStart).seconds
            let kcatCount = try await TopicScan.read(kcatTopic, brokers: broker.bootstrapServers).count
            guard kcatCount == records.count else { throw BenchError("kcat -P wrote \(kcatCount) of \(records.count) records") }
            kcatRuns.append(Double(records.count) / kcatSeconds)

            let run = try await intakeRound(executable: executable, script: script, file: file, schemas: posted.schemas, broker: broker, logs: work)
            intakeRuns.append(run)
            Console.line(
                "  round \(round): kcat -P \(Figure.count(kcatRuns.last!)) records/s; tally-intake \(Figure.count(run.rate)) accepted/s "
                    + "(ack p50 \(Figure.fixed(run.load.latency.p50 ?? .nan, 1)) ms, p99 \(Figure.fixed(run.load.latency.p99 ?? .nan, 1)) ms, "
                    + "\(run.notAccepted) not 2xx)"
            )
        }

        let best = intakeRuns.max { $0.rate < $1.rate }!
        let bestKcat = kcatRuns.max()!
        var table = ResultTable(
            "\nintake over HTTP vs kcat -P, \(Figure.count(records.count)) records each (best of \(intakeRuns.count) round(s))",
            columns: ["producer", "records/s", "ack p50 ms", "ack p99 ms", "ack p99.9 ms", "CPU µs/rec", "rounds records/s"]
        )
        let kcatRounds = kcatRuns.map { Figure.count($0) }.joined(separator: "; ")
        table.add("kcat -P (idempotent, acks=all)", Figure.count(bestKcat), "-", "-", "-", "-", kcatRounds)
        table.add(
            "tally-intake, \(clients) HTTP clients",
            Figure.count(best.rate),
            Figure.fixed(best.load.latency.p50 ?? .nan, 1),
            Figure.fixed(best.load.latency.p99 ?? .nan, 1),
            Figure.fixed(best.load.latency.p999 ?? .nan, 1),
            best.cpuSeconds.map { Figure.fixed($0 / Double(records.count) * 1e6, 1) } ?? "-",
            intakeRuns.map { Figure.count($0.rate) }.joined(separator: "; ")
        )
        let ratios = zip(intakeRuns, kcatRuns).map { Figure.fixed($0.rate / $1) }.joined(separator: ", ")
        table.note("intake / kcat: \(Figure.fixed(best.rate / bestKcat)) (best rounds; per round: \(ratios))")
        table.note(
            "answers: "
                + intakeRuns.enumerated().map { index, run in
                    "round \(index + 1) " + run.load.statuses.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }.joined(separator: " ")
                        + (run.load.failures > 0 ? " \(run.load.failures) dropped (\(run.load.lastFailure ?? ""))" : "")
                }.joined(separator: "; ")
        )
        table.note("every 2xx is in the topic: the intake topic held one record per 2xx in every round (checked by reading it)")
        table.note(
            "accepted/s = 2xx answers / first request → last answer; ack = request written → answer read, by the client "
                + "(one request in flight per connection; tally-intake answers once the broker acknowledged, acks=all)"
        )
        table.note(
            "load client: \(URL(fileURLWithPath: script).lastPathComponent) (Python asyncio, one process) "
                + "used \(Figure.fixed(best.load.clientCPUSeconds, 2)) s CPU "
                + "(\(Figure.fixed(best.load.clientCPUSeconds / Double(records.count) * 1e6, 1)) µs/request) on the same \(loadAtStart.cores) cores"
        )
        table.note(
            "kcat records/s = whole kcat -P run (start-up included) per record; CPU µs/rec = tally-intake's CPU time (all threads) per submission; "
                + "peak RSS \(best.peakResidentBytes.map { Figure.count(Double($0) / 1_048_576) } ?? "-") MB"
        )
        table.print()
        Console.line("end: \(MachineLoad.now())")
        try? FileManager.default.removeItem(at: file)
    }

    /// One round's intake measurement.
    struct IntakeRun {
        var load: LoadResult
        var cpuSeconds: Double?
        var peakResidentBytes: Int?
        /// Accepted (2xx) submissions per second.
        var rate: Double { Double(load.ok) / load.seconds }
        var notAccepted: Int { load.requests - load.ok }
    }

    /// Starts tally-intake on a fresh submissions topic, posts every record of `file` with the
    /// load client, checks the topic holds one record per 2xx answer, and stops the gateway.
    private func intakeRound(executable: URL, script: String, file: URL, schemas: String, broker: TestBroker, logs: URL) async throws -> IntakeRun {
        let topics = PipelineTopics(prefix: broker.uniqueName("bench-intake"), partitions: kafka.partitions)
        try await BenchBroker.createTopics([topics.submissions], partitions: kafka.partitions, on: broker)
        let arguments = topics.workerArguments(
            brokers: broker.bootstrapServers.joined(separator: ","),
            schemas: schemas,
            group: broker.uniqueName("tally-intake"),
            extra: launch.workerFlags
        )
        let gateway = try WorkerProcess(executable: executable, arguments: arguments, logDirectory: logs)
        do {
            try await gateway.waitUntilReady()
            guard let port = gateway.port else { throw BenchError("tally-intake logged no port; log \(gateway.logFile.path)") }
            let cpuAtStart = gateway.cpuSeconds
            let load = try LoadResult.run(
                python: python,
                script: script,
                arguments: ["--url", "http://127.0.0.1:\(port)/v1/submissions", "--file", file.path, "--clients", String(clients)]
            )
            let cpu = cpuAtStart.flatMap { start in gateway.cpuSeconds.map { $0 - start } }
            let peak = gateway.peakResidentBytes
            await gateway.stop()
            let stored = try await TopicScan.read(topics.submissions, brokers: broker.bootstrapServers).count
            guard stored == load.ok else {
                throw BenchError("tally-intake answered 2xx \(load.ok) times but its topic holds \(stored) records; log \(gateway.logFile.path)")
            }
            return IntakeRun(load: load, cpuSeconds: cpu, peakResidentBytes: peak)
        } catch {
            await gateway.stop()
            throw error
        }
    }
}
