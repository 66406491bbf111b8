import ArgumentParser

/// `tally`: the FieldTally operator command (configuration and wiring only; the work is in SurveyEngine and TallyWorker).
@main
struct TallyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "FieldTally's operator command: exact survey tallies, offline or from Kafka.",
        discussion: """
            Offline: `tally offline FILE` runs validation, coding and aggregation in one process.
            On Kafka (--brokers / TALLY_BROKERS): create the topics, submit messages, watch the tallies \
            grow, print them, list dead letters and the coding review queue, and replay history after a codebook change.
            From a tally-store database (--store): export the current tallies as JSON or CSV.
            """,
        subcommands: [
            OfflineCommand.self, TopicsCommand.self, SubmitCommand.self, WatchCommand.self,
            TalliesCommand.self, RejectedCommand.self, ReviewCommand.self, ReplayCommand.self,
            CodebookCommand.self, ExportCommand.self,
        ]
    )
}
