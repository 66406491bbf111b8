import ArgumentParser
import FieldTallyTestKit
import Foundation
import SurveyEngine

/// `fieldtally-bench workers`: each worker alone on pre-produced input, beside a kcat pipe doing
/// the same I/O and no work on the same topics; then the three workers together end to end.
struct WorkersBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Each worker's msg/s alone vs a kcat consume|produce pipe on its input topic, then the three-worker pipeline end to end."
    )

    @Option(help: "Submissions to generate.")
    var messages = 200_000

    @OptionGroup var input: InputOptions
    @OptionGroup var kafka: BrokerOptions
    @OptionGroup var launch: WorkerLaunchOptions

    @Option(
        help: "Profile this worker's single runs with `perf record -g` (e.g. tally-code; repeatable); NAME.perf.data is written beside the logs."
    )
    var profile: [String] = []

    @Flag(help: "Skip the three-worker pipeline run.")
    var skipPipeline = false

    @Option(help: "Rounds of the single-worker runs and their pipes; the best round of each is reported (the machine is shared).")
    var rounds = 3

    @Flag(help: "Skip the single-worker runs.")
    var skipSolo = false

    @Option(help: "Instances of each worker in its single-worker runs (one consumer group; partitions are shared between them).")
    var instances = 1

    func run() async throws {
        let loadAtStart = MachineLoad.now()
        let input = try self.input.load(generating: messages)
        let partitions = kafka.partitions
        let survey = try SurveyDefinition(directory: input.schemas)
        let n = input.messages.count
        let broker = try await kafka.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        let bin = WorkerBinaries.directory(launch.binDir)
        for name in ["tally-validate", "tally-code", "tally-aggregate"] { _ = try WorkerBinaries.executable(name, in: bin) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-workers-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let file = work.appendingPathComponent("input.tsv")
        try input.write(to: file)
        let context = WorkerBench(
            broker: broker,
            servers: servers,
            schemas: input.schemas,
            formId: survey.instrument.formId,
            bin: bin,
            logs: work,
            kcat: Kcat(executable: kafka.kcat),
            extraFlags: launch.workerFlags,
            profiles: Set(profile)
        )
        Console.line(
            "workers benchmark: \(input.summary), mean value \(Figure.count(input.meanValueBytes)) B; \(partitions) partitions; brokers \(servers)\(kafka.startedHereNote); workers from \(bin.path); logs in \(work.path)"
        )
        Console.line("start: \(loadAtStart)")

        var table = ResultTable(
            "\nworkers alone (\(instances) instance\(instances == 1 ? "" : "s") each) vs kcat pipe on the same input topic (\(Figure.count(n)) submissions; msg/s = input records / first record in → last output; best of \(rounds) round(s))",
            columns: [
                "stage", "input", "msg/s", "pipe msg/s", "worker/pipe", "CPU µs/rec", "peak RSS MB", "target ≥ 0.5", "rounds: worker | pipe msg/s",
            ]
        )
        if !skipSolo {
            // Round 1 runs the chain on one topic set; later rounds read round 1's inputs again (fresh
            // groups) and write to fresh output topics. Pipes and workers alternate within a round.
            let first = PipelineTopics(prefix: broker.uniqueName("bench-solo"), partitions: partitions)
            try await BenchBroker.createTopics(first.all, partitions: partitions, on: broker)
            let produceStart = Date()
            try context.kcat.run(["-P", "-b", servers, "-t", first.submissions, "-K", "\t", "-l", file.path])
            Console.line("  pre-produced \(Figure.count(n)) submissions with kcat -P in \(Figure.fixed(Date().timeIntervalSince(produceStart))) s")

            var validateRuns: [(SoloRun, PipeRun)] = []
            var codeRuns: [(SoloRun, PipeRun)] = []
            var aggregateRuns: [(SoloRun, PipeRun)] = []
            var validCount = 0
            var finalTally: Double?
            for round in 1...max(1, rounds) {
                var topics = first
                if round > 1 {
                    let fresh = PipelineTopics(prefix: broker.uniqueName("bench-solo-round"), partitions: partitions)
                    try await BenchBroker.createTopics(
                        [fresh.valid, fresh.coded, fresh.rejected, fresh.tallies, fresh.changelog],
                        partitions: partitions,
                        on: broker
                    )
                    topics = fresh
                    topics.submissions = first.submissions
                }
                let pipes = [first.submissions, first.valid, first.coded].map { broker.uniqueName($0 + ".pipe") }
                try await BenchBroker.createTopics(pipes, partitions: partitions, on: broker)

                let validatePipe = try await context.pipe(from: first.submissions, to: pipes[0], expected: n)
                let validate = try await context.solo(
                    "tally-validate",
                    topics: topics,
                    expectedIn: n,
                    outputs: [topics.valid, topics.rejected],
                    instances: instances
                )
                guard validate.outputs == n else { throw BenchError("tally-validate wrote \(validate.outputs) records for \(n) inputs") }
                if round == 1 { validCount = try await TopicScan.read(first.valid, brokers: broker.bootstrapServers).count }
                validateRuns.append((validate, validatePipe))

                // tally-code reads round 1's valid records; tally-aggregate round 1's coded records and dead letters.
                var codeTopics = topics
                codeTopics.valid = first.valid
                let codePipe = try await context.pipe(from: first.valid, to: pipes[1], expected: validCount)
                let code = try await context.solo(
                    "tally-code",
                    topics: codeTopics,
                    expectedIn: validCount,
                    outputs: [codeTopics.coded],
                    instances: instances
                )
                guard code.outputs == validCount else {
                    throw BenchError("tally-code wrote \(code.outputs) coded records for \(validCount) valid ones")
                }
                codeRuns.append((code, codePipe))

                var aggregateTopics = topics
                (aggregateTopics.coded, aggregateTopics.rejected) = (first.coded, first.rejected)
                let aggregatePipe = try await context.pipe(from: first.coded, to: pipes[2], expected: validCount)
                let aggregate = try await context.solo(
                    "tally-aggregate",
                    topics: aggregateTopics,
                    expectedIn: n,
                    outputs: [aggregateTopics.changelog],
                    instances: instances
                )
                let timeline = try await TallyTimeline.read(aggregateTopics.tallies, formId: context.formId, brokers: broker.bootstrapServers)
                guard timeline.received == n else {
                    throw BenchError("tally-aggregate's tallies count \(timeline.received) of \(n) messages; log \(aggregate.log)")
                }
                aggregateRuns.append((aggregate, aggregatePipe))
                if let final = timeline.firstTime(totalReaching: UInt64(n)), let start = aggregate.startMilliseconds {
                    finalTally = min(finalTally ?? .infinity, Double(final - start) / 1000)
                }
                Console.line(
                    "  round \(round): msg/s validate \(Figure.count(validate.rate)) (pipe \(Figure.count(validatePipe.rate))), code \(Figure.count(code.rate)) (pipe \(Figure.count(codePipe.rate))), aggregate \(Figure.count(aggregate.rate)) (pipe \(Figure.count(aggregatePipe.rate)))"
                )
            }
            table.add(row("tally-validate", validateRuns))
            table.add(row("tally-code", codeRuns))
            table.add(row("tally-aggregate", aggregateRuns))
            if let finalTally {
                table.note(
                    "tally-aggregate: partials count all \(Figure.count(n)) messages \(Figure.fixed(finalTally)) s after its first batch (best round; msg/s above: to its last changelog record)"
                )
            }
            let wholeRuns = [validateRuns, codeRuns, aggregateRuns].map { runs in Figure.count(runs.map { Double($0.1.count) / $0.1.wall }.max() ?? 0)
            }
            table.note(
                "pipe = kcat -C -e -K'\\t' -q | kcat -P -K'\\t' from the worker's input topic to a fresh topic: msg/s from its first to last output record (whole run incl. start-up: \(wholeRuns.joined(separator: ", ")) msg/s)"
            )
            table.note(
                "best round of each worker and of its pipe; tally-aggregate also reads the dead letters (\(Figure.count(n - validCount))), its pipe the coded topic only"
            )
            table.note("CPU µs/rec = the worker process's CPU time (all threads) from assignment to the end, per input record (best round's)")
            table.note(
                "peak RSS = the worker's highest resident memory (VmHWM) over all its rounds; Deploy/k8s limits tally-validate and tally-code to 768 MiB, tally-aggregate (which also holds respondents) to 1 GiB"
            )
        }
        table.print()

        if !skipPipeline {
            let pipeline = try await context.pipeline(file: file, count: n, partitions: partitions)
            var end = ResultTable(
                "\nthree-worker pipeline end to end (fresh topics, workers joined before the first submission)",
                columns: ["measure", "value"]
            )
            end.add("submissions produced (kcat -P)", "\(Figure.count(n)) in \(Figure.fixed(pipeline.produceSeconds)) s")
            end.add("first submission → partials count all", "\(Figure.fixed(pipeline.seconds)) s")
            end.add("end-to-end throughput", "\(Figure.count(Double(n) / pipeline.seconds)) submissions/s")
            for (name, cpu) in pipeline.cpu { end.add("CPU µs/submission \(name)", Figure.fixed(cpu / Double(n) * 1e6, 1)) }
            end.print()
        }
        Console.line("end: \(MachineLoad.now())")
        try? FileManager.default.removeItem(at: file)
    }

    /// The best round of a worker and the best round of its pipe, side by side.
    private func row(_ name: String, _ runs: [(SoloRun, PipeRun)]) -> [String] {
        let solo = runs.map(\.0).max { $0.rate < $1.rate }!
        let pipe = runs.map(\.1).max { $0.rate < $1.rate }!
        let ratio = solo.rate / pipe.rate
        let all = runs.map { "\(Figure.count($0.0.rate)) | \(Figure.count($0.1.rate))" }.joined(separator: "; ")
        let peak = runs.compactMap(\.0.peakResidentBytes).max()
        return [
            name, Figure.count(solo.inputs), Figure.count(solo.rate), Figure.count(pipe.rate), Figure.fixed(ratio),
            solo.cpuSeconds.map { Figure.fixed($0 / Double(solo.inputs) * 1e6, 1) } ?? "-",
            peak.map { Figure.count(Double($0) / 1_048_576) } ?? "-", Figure.verdict(ratio >= 0.5), all,
        ]
    }
}
