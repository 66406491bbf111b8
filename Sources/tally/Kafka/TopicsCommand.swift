import ArgumentParser
import TallyWorker

/// `tally topics create`: creates the pipeline's topics when missing.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Manage the pipeline's Kafka topics.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create every pipeline topic that does not exist yet (idempotent).",
            discussion:
                "survey.submissions, survey.valid, survey.coded, survey.rejected, and the compacted survey.tallies, survey.aggregate-changelog and survey.coding-review, each with --partitions partitions."
        )

        @OptionGroup var options: WorkerOptions

        func run() async throws {
            let context = try CLIContext(options: options, command: "topics")
            try await TopicProvisioner.ensure(context.configuration, logger: context.logger)
            for spec in TopicProvisioner.pipelineTopics(context.configuration) {
                print(
                    "\(spec.name)\t\(spec.partitions) partitions\(spec.config.isEmpty ? "" : "\t" + spec.config.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
                )
            }
        }
    }
}
