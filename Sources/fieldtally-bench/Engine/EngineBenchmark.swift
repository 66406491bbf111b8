import ArgumentParser
import Foundation
import SurveyEngine

/// `fieldtally-bench engine`: the survey engine alone, in one process on one core: validate,
/// code and aggregate N submissions, timing each stage; then the offline tally of the same input
/// as a check, and the extra per-record work each worker process does around the engine.
struct EngineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Validate + code + aggregate N submissions on one core; print submissions/s and µs per stage."
    )

    @Option(help: "Submissions to generate.")
    var messages = 200_000

    @OptionGroup var input: InputOptions

    @Option(
        help:
            "Messages per batch: changelog records and a partial snapshot are built once per batch, as tally-aggregate does per consumed batch (its default --max-batch)."
    )
    var batch = 6_000

    @Option(help: "Rounds of the staged run; the round using least CPU is reported.")
    var rounds = 1

    @Flag(help: "Skip the per-worker section (validate/code processors, aggregator intake).")
    var skipWorkers = false

    func run() async throws {
        let loadAtStart = MachineLoad.now()
        let input = try self.input.load(generating: messages)
        let loadStart = ContinuousClock.now
        let survey = try SurveyDefinition(directory: input.schemas)
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        let n = input.messages.count
        Console.line(
            "engine benchmark: \(input.summary); mean value \(Figure.count(input.meanValueBytes)) B; batch \(batch); release build, one thread"
        )
        Console.line(
            "survey definition (frame of \(Figure.count(survey.frame.count)) units) loaded in \(Figure.fixed(loadSeconds)) s, as every worker does at start"
        )
        Console.line("start: \(loadAtStart)")

        var best: StagedRun?
        for round in 1...max(1, rounds) {
            let run = StagedRun.measure(input.messages, survey: survey, batch: batch)
            Console.line(
                "  round \(round): \(Figure.count(Double(n) / run.total.cpu)) submissions/s of CPU, \(Figure.count(Double(n) / run.total.wall)) of wall time"
            )
            if best == nil || run.total.cpu < best!.total.cpu { best = run }
        }
        let staged = best!

        let offlineStart = CPUClock.now()
        var offline = OfflineTally(survey: survey)
        for message in input.messages { offline.process(message) }
        var offlineTime = StageTime()
        offlineTime.add(from: offlineStart, to: CPUClock.now())
        let agrees = offline.aggregator.snapshot() == staged.final

        let work = skipWorkers ? nil : try await WorkerWorkRun.measure(input.messages, survey: survey, batch: batch)
        let loadAtEnd = MachineLoad.now()

        func µs(_ seconds: Double) -> String { Figure.fixed(seconds / Double(n) * 1e6, 2) }
        func rate(_ seconds: Double) -> String { Figure.count(Double(n) / seconds) }
        var table = ResultTable(
            "engine stages, \(Figure.count(n)) submissions, each through every stage in turn (µs per submission; rates per core)",
            columns: ["stage", "µs CPU", "share", "subs/s CPU"]
        )
        let total = staged.total
        for (name, seconds) in [
            ("validate (parse + check + frame)", staged.validate), ("code (free text → codes)", staged.code),
            ("aggregate: prepare + apply", staged.apply),
            ("aggregate: changelog records (JSON)", staged.changelog),
            ("aggregate: partial snapshot + encode", staged.snapshot),
        ] {
            let cpu = staged.cpuShare(of: seconds)
            table.add(name, µs(cpu), Figure.fixed(cpu / total.cpu * 100, 1) + "%", rate(cpu))
        }
        table.add("overall", µs(total.cpu), "100%", rate(total.cpu))
        table.note(
            "stage shares from a monotonic clock read at each stage boundary, scaled to the pass's CPU time; wall time of the pass \(µs(total.wall)) µs per submission"
        )
        table.note(
            "target ≥ 50,000 submissions/s per core overall: \(Figure.verdict(Double(n) / total.cpu >= 50_000)) (\(rate(total.cpu)) by CPU time, \(rate(total.wall)) by wall time)"
        )
        table.note(
            "\(Figure.count(staged.valid)) valid, \(Figure.count(staged.rejected)) rejected by the validator; \(Figure.count(staged.changelogRecords)) changelog records, mean \(Figure.count(Double(staged.changelogBytes) / Double(max(1, staged.changelogRecords)))) B; \(staged.partials) partials, mean \(Figure.count(Double(staged.partialBytes) / Double(max(1, staged.partials)))) B"
        )
        table.note(
            "offline tally (OfflineTally, same input): \(rate(offlineTime.cpu)) submissions/s CPU; its tally \(agrees ? "equals" : "DIFFERS FROM") the staged run's (counted \(Figure.count(staged.final.counted)), received \(Figure.count(staged.final.paradata.received)))"
        )
        table.print()

        if let work {
            var workers = ResultTable(
                "\nengine work per worker process, without Kafka (µs per submission of input)",
                columns: ["worker", "µs CPU", "µs wall", "subs/s CPU"]
            )
            workers.add(
                "tally-validate: ValidateProcessor.process",
                µs(work.validateWorker.cpu),
                µs(work.validateWorker.wall),
                rate(work.validateWorker.cpu)
            )
            workers.add("tally-code: CodeProcessor.process", µs(work.codeWorker.cpu), µs(work.codeWorker.wall), rate(work.codeWorker.cpu))
            let stages = staged.cpuShare(of: staged.apply + staged.changelog + staged.snapshot)
            let aggregate = work.aggregateIntake + StageTime(wall: stages, cpu: stages)
            workers.add(
                "tally-aggregate: intake (decode, re-validate)",
                µs(work.aggregateIntake.cpu),
                µs(work.aggregateIntake.wall),
                rate(work.aggregateIntake.cpu)
            )
            workers.add("tally-aggregate: intake + aggregate stages", µs(aggregate.cpu), µs(aggregate.wall), rate(aggregate.cpu))
            workers.note(
                "\(Figure.count(work.codedRecords)) coded records, mean \(Figure.count(Double(work.codedBytes) / Double(max(1, work.codedRecords)))) B; \(Figure.count(work.deadLetters)) dead letters from tally-validate"
            )
            workers.print()
        }
        Console.line("end: \(loadAtEnd)")
        if !agrees { throw ExitCode(2) }
    }
}
