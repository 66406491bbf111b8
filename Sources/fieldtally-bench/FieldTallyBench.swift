import ArgumentParser

/// `fieldtally-bench`: throughput and latency benchmarks, one subcommand each, plus the
/// synthetic input generator. They print figures and ratios; speed targets are checked here,
/// never in timed tests.
@main
struct FieldTallyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldtally-bench",
        abstract: "FieldTally throughput and latency benchmarks.",
        subcommands: [
            KafkaBenchmark.self, EngineBenchmark.self, WorkersBenchmark.self, LatencyBenchmark.self, IntakeBenchmark.self,
            RestoreBenchmark.self, DashboardBenchmark.self, StoreBenchmark.self, GenerateCommand.self, FuzzBenchmark.self,
        ]
    )
}
