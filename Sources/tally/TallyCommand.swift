import ArgumentParser

/// `tally`: the FieldTally operator command.
struct TallyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Exact survey tallies: run the pipeline offline over a message file.",
        subcommands: [OfflineCommand.self]
    )
}
