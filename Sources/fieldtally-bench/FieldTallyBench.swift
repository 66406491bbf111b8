import ArgumentParser

/// `fieldtally-bench`: throughput benchmarks, one subcommand each. They print
/// figures and ratios; speed targets are checked here, never in timed tests.
@main
struct FieldTallyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldtally-bench",
        abstract: "FieldTally throughput benchmarks.",
        subcommands: [KafkaBenchmark.self, GenerateCommand.self]
    )
}
