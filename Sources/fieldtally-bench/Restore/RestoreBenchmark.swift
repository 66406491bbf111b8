import ArgumentParser
import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine

/// `fieldtally-bench restore`: `tally-aggregate` taking over a changelog that holds N
/// respondents (a synthetic frame of the sample repeated): how long the restore takes, the
/// memory it leaves per respondent, and, after a `kill -9`, how long until a new instance
/// (same `--instance-id`: static membership) publishes a partial again.
///
/// The changelog is written directly: the sample's first copy is counted once in process (the
/// engine the aggregator runs), and its respondent records are repeated under each copy's
/// respondent ids. `tally-validate` and `tally-code` run as processes and feed the aggregator a
/// live stream of further copies' submissions.
struct RestoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "tally-aggregate restoring N respondents from its changelog: restore time, memory per respondent, kill -9 → first partial again."
    )

    @Option(help: "Respondents in the changelog (rounded up to whole copies of the sample).")
    var respondents = 1_000_000

    @Option(help: "Milliseconds between two live submissions after the kill -9.")
    var liveInterval = 100

    @Option(help: "Instance id of the aggregator (static membership), kept across the kill -9.")
    var instanceId = "bench-aggregate-0"

    @Flag(help: "Skip the kill -9 and restart.")
    var skipKill = false

    @Flag(help: "Profile the first instance's restore with `perf record -g` (tally-aggregate.perf.data beside the logs).")
    var profile = false

    @OptionGroup var kafka: BrokerOptions
    @OptionGroup var launch: WorkerLaunchOptions

    func run() async throws {
        let loadAtStart = MachineLoad.now()
        let one = try SyntheticStream.sample()
        let surveyFolder = SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018")
        // Respondents one copy leaves in the changelog, then the copies needed (+2 for the live streams).
        let oneSchemas = try BenchInput.writeSchemas(of: surveyFolder, frameCSV: one.frameCSV, copies: 1)
        let perCopy = try Self.template(of: one, copy: 1, survey: SurveyDefinition(directory: oneSchemas.path)).count
        guard perCopy > 0 else { throw BenchError("one copy of the sample left no respondent in the changelog") }
        let copies = (respondents + perCopy - 1) / perCopy
        let stream = try SyntheticStream.sample(SyntheticStream.Options(copies: copies + 2))
        let schemas = try BenchInput.writeSchemas(of: surveyFolder, frameCSV: stream.frameCSV, copies: copies + 2)
        let survey = try SurveyDefinition(directory: schemas.path)
        let template = try Self.template(of: stream, copy: 1, survey: survey)
        let restored = copies * template.count

        let broker = try await kafka.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-restore-\(getpid())")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let bench = WorkerBench(
            broker: broker,
            servers: servers,
            schemas: schemas.path,
            formId: survey.instrument.formId,
            bin: WorkerBinaries.directory(launch.binDir),
            logs: logs,
            kcat: Kcat(executable: kafka.kcat),
            extraFlags: launch.workerFlags
        )
        let topics = PipelineTopics(prefix: broker.uniqueName("bench-restore"), partitions: kafka.partitions)
        try await BenchBroker.createTopics(topics.all, partitions: kafka.partitions, on: broker)
        Console.line(
            "restore benchmark: \(Figure.count(restored)) respondents in the changelog (\(Figure.count(copies)) copies × \(template.count)), "
                + "frame of \(Figure.count(survey.frame.count)) units; \(kafka.partitions) partitions; "
                + "brokers \(servers)\(kafka.startedHereNote); logs in \(logs.path)"
        )
        Console.line("start: \(loadAtStart)")

        // The changelog, written as the aggregator writes it (keyed by respondent id, so each
        // record lands in its respondent's partition).
        var producerConfiguration = broker.producerConfiguration()
        producerConfiguration.deliveryTimeout = .seconds(120)
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let writeStart = ContinuousClock.now
        var changelogBytes = 0
        var chunk: [KafkaProducerRecord] = []
        chunk.reserveCapacity(20_000)
        for copy in 1...copies {
            for record in template {
                let value = Self.renamed(Array(record.value), copy: copy)
                changelogBytes += value.count
                let key = Self.renamed(Array(record.key.utf8), copy: copy, quoted: false)
                chunk.append(KafkaProducerRecord(topic: topics.changelog, key: key, value: value))
            }
            if chunk.count >= 20_000 || copy == copies {
                _ = try await producer.sendAll(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        await producer.close()
        let writeSeconds = (ContinuousClock.now - writeStart).seconds
        Console.line(
            "  changelog: \(Figure.count(restored)) records, mean \(Figure.count(Double(changelogBytes) / Double(max(1, restored)))) B, "
                + "written in \(Figure.fixed(writeSeconds)) s"
        )
        // What librdkafka alone takes to read the same topic to its end: the floor under a restore.
        let kcatStart = ContinuousClock.now
        try Kcat(executable: kafka.kcat).run(["-C", "-b", servers, "-t", topics.changelog, "-o", "beginning", "-e", "-q"])
        let kcatSeconds = (ContinuousClock.now - kcatStart).seconds

        var workers: [WorkerProcess] = []
        do {
            for name in ["tally-validate", "tally-code"] { workers.append(try bench.launch(name, topics: topics)) }
            for worker in workers { try await worker.waitUntilReady() }
            let group = broker.uniqueName("tally-aggregate")
            let aggregatorArguments = topics.workerArguments(
                brokers: servers,
                schemas: schemas.path,
                group: group,
                extra: ["--instance-id", instanceId] + launch.workerFlags
            )
            let executable = try WorkerBinaries.executable("tally-aggregate", in: bench.bin)
            let first = try WorkerProcess(executable: executable, arguments: aggregatorArguments, logDirectory: logs)
            workers.append(first)
            try await first.waitUntilReady(timeout: .seconds(300))
            let idle = first.residentBytes ?? 0
            // Attached once the instance is ready, so the profile holds the restore, not the start-up.
            let profiler = profile ? try bench.attachProfiler(to: first) : nil

            // Copy copies+1, all at once: every partition gets new records and restores.
            let liveProducer = try KafkaProducer(configuration: broker.producerConfiguration())
            let liveStart = Date()
            _ = try await liveProducer.sendAll(
                (0..<stream.sourceCount).map { index in
                    let message = stream.message(copy: copies + 1, index: index)
                    return KafkaProducerRecord(topic: topics.submissions, key: message.key, value: message.value)
                }
            )
            let after = try await waitForPartials(topics: topics, bench: bench, since: liveStart, worker: first, timeout: .seconds(900))
            profiler?.stop()
            let resident = first.residentBytes ?? 0
            let peak = first.peakResidentBytes ?? 0
            let restores = Self.restores(of: first)
            let counted = after.timeline.latest.merged().counted

            var table = ResultTable("\ntally-aggregate restoring \(Figure.count(restored)) respondents", columns: ["measure", "value"])
            table.add("changelog records read by the restore", Figure.count(restores.records))
            table.add("restore (log: read + rebuild), seconds", Figure.fixed(restores.seconds, 1))
            table.add("restore rate, records/s", Figure.count(Double(restores.records) / max(restores.seconds, 0.001)))
            table.add("kcat -C of the whole changelog to its end, seconds", Figure.fixed(kcatSeconds, 1))
            table.add("kcat rate, records/s", Figure.count(Double(restored) / max(kcatSeconds, 0.001)))
            table.add("first live submission → every partition published", "\(Figure.fixed(after.allSeconds, 1)) s")
            table.add("respondents counted in the published partials", Figure.count(counted))
            table.add("RSS ready, before the restore", "\(DashboardBenchmark.megabytes(idle)) MB")
            table.add("RSS after the restore", "\(DashboardBenchmark.megabytes(resident)) MB")
            table.add("peak RSS (VmHWM)", "\(DashboardBenchmark.megabytes(peak)) MB")
            let perRespondent = Double(resident - idle) / Double(restored)
            table.add("memory per respondent (RSS after − ready) / respondents", "\(Figure.count(perRespondent)) B")
            table.add("peak per respondent (peak − ready) / respondents", "\(Figure.count(Double(peak - idle) / Double(restored))) B")
            let seconds1M = restores.seconds * 1_000_000 / Double(max(1, restored))
            table.note(
                "target restore of 1,000,000 respondents ≤ 10 s: \(Figure.verdict(seconds1M <= 10)) "
                    + (restored >= 1_000_000
                        ? "(\(Figure.fixed(restores.seconds, 1)) s)"
                        : "(extrapolated linearly from \(Figure.count(restored)): \(Figure.fixed(seconds1M, 1)) s)")
            )
            table.note(
                "target ≤ 300 B of aggregator memory per respondent: \(Figure.verdict(perRespondent <= 300)) (\(Figure.count(perRespondent)) B)"
            )
            table.note(
                "counted includes the live copy's respondents; the aggregator reads its assigned partitions of the changelog (here all), decoding on every core"
            )
            table.print()

            if !skipKill {
                let killAt = Date()
                first.kill()
                let second = try WorkerProcess(executable: executable, arguments: aggregatorArguments, logDirectory: logs)
                workers.append(second)
                // A live stream from the kill on: one submission every --live-interval ms.
                let interval = Duration.milliseconds(liveInterval)
                let live = Task {
                    var index = 0
                    while !Task.isCancelled && index < stream.sourceCount {
                        let message = stream.message(copy: copies + 2, index: index)
                        _ = try? await liveProducer.send(KafkaProducerRecord(topic: topics.submissions, key: message.key, value: message.value))
                        index += 1
                        try? await Task.sleep(for: interval)
                    }
                }
                let again = try await waitForPartials(topics: topics, bench: bench, since: killAt, worker: second, timeout: .seconds(900))
                live.cancel()
                _ = await live.value
                let assigned = second.firstBatchAt.map { $0.timeIntervalSince(killAt) }
                let secondRestores = Self.restores(of: second)
                var kill = ResultTable(
                    "\nkill -9 of tally-aggregate, restarted at once with the same --instance-id",
                    columns: ["measure", "seconds"]
                )
                kill.add("kill -9 → new instance restored its first partitions", assigned.map { Figure.fixed($0, 1) } ?? "-")
                kill.add("kill -9 → first partial published again", Figure.fixed(again.firstSeconds, 1))
                kill.add("kill -9 → every partition published again", Figure.fixed(again.allSeconds, 1))
                kill.add("restore in the new instance (log)", Figure.fixed(secondRestores.seconds, 1))
                kill.note("live submissions from the kill on: one every \(liveInterval) ms; session.timeout.ms=6000")
                kill.print()
            }
            await liveProducer.close()
            for worker in workers { await worker.stop() }
        } catch {
            for worker in workers { await worker.stop() }
            throw error
        }
        Console.line("end: \(MachineLoad.now())")
    }

    /// When partials were published after `since`: the first, and the first of every partition.
    struct Published {
        var firstSeconds: Double
        var allSeconds: Double
        var timeline: TallyTimeline
    }

    /// Waits until every partition has published a partial stamped after `since`.
    private func waitForPartials(
        topics: PipelineTopics,
        bench: WorkerBench,
        since: Date,
        worker: WorkerProcess,
        timeout: Duration
    ) async throws -> Published {
        let deadline = ContinuousClock.now + timeout
        let from = since.kafkaMilliseconds
        while true {
            let timeline = try await TallyTimeline.read(topics.tallies, formId: bench.formId, brokers: bench.broker.bootstrapServers)
            let firsts = (0..<topics.partitions).compactMap { p in timeline.partitions[p]?.first { $0.timestamp > from }?.timestamp }
            if firsts.count == topics.partitions {
                return Published(
                    firstSeconds: Double(firsts.min()! - from) / 1000,
                    allSeconds: Double(firsts.max()! - from) / 1000,
                    timeline: timeline
                )
            }
            guard worker.isRunning else { throw BenchError("tally-aggregate exited; log \(worker.logFile.path)") }
            guard ContinuousClock.now < deadline else {
                throw BenchError("only \(firsts.count) of \(topics.partitions) partitions published within \(timeout); log \(worker.logFile.path)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The respondent records of the changelog after counting copy `copy` of `stream` in process.
    static func template(of stream: SyntheticStream, copy: Int, survey: SurveyDefinition) throws -> [ChangelogRecord] {
        var offline = OfflineTally(survey: survey)
        for index in 0..<stream.sourceCount { offline.process(stream.message(copy: copy, index: index)) }
        return offline.aggregator.allChangelogRecords().filter { !$0.isParadata }
    }

    /// `bytes` with copy 1's respondent ids (`"S1-…`) renamed to copy `copy`'s (`"S<copy>-…`).
    static func renamed(_ bytes: [UInt8], copy: Int, quoted: Bool = true) -> [UInt8] {
        let from = Array(((quoted ? "\"" : "") + SyntheticStream.unitId(copy: 1, source: "")).utf8)
        let to = Array(((quoted ? "\"" : "") + SyntheticStream.unitId(copy: copy, source: "")).utf8)
        guard copy != 1 else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var i = 0
        while i < bytes.count {
            if bytes[i] == from[0], i + from.count <= bytes.count, bytes[i..<i + from.count].elementsEqual(from) {
                out.append(contentsOf: to)
                i += from.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// The restores a worker logged: records read and seconds, summed.
    static func restores(of worker: WorkerProcess) -> (records: Int, seconds: Double) {
        worker.logEntries("restored state from the changelog").reduce((0, 0)) { sum, entry in
            (
                sum.0 + ((entry["records"] as? String).flatMap(Int.init) ?? 0),
                sum.1 + ((entry["seconds"] as? String).flatMap(Double.init) ?? 0)
            )
        }
    }
}
