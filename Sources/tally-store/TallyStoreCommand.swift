import ArgumentParser
import Foundation
import TallyStore
import TallyWorker

/// `tally-store`: survey.tallies + survey.rejected → a SQLite or PostgreSQL store, exactly once.
@main
struct TallyStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally-store",
        abstract: "Keep the merged tallies, their time series and the dead letters in SQLite or PostgreSQL, exactly once.",
        discussion: """
            Reads survey.tallies and survey.rejected from the offsets stored in the database (no consumer group) and \
            writes each batch's rows with its offsets in one transaction. Tables: tally_series, current_tallies, \
            dead_letters, consumed_offsets (see Deploy/OPERATIONS.md). `tally export --store` prints the current tallies.
            """
    )

    @Option(
        help: ArgumentHelp(
            "SQLite file (created when missing, WAL mode) or postgres://user:password@host:port/database[?sslmode=disable|prefer|require]. "
                + "Env: TALLY_DATABASE. Default: tally-store.sqlite.",
            valueName: "path-or-url"
        )
    )
    var database: String?

    @Option(help: "The survey (form id) when --schemas holds several.")
    var form: String?

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let configuration = try options.resolve(workerName: "tally-store")
        let text = database ?? ProcessInfo.processInfo.environment["TALLY_DATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "tally-store.sqlite"
        let location: StoreLocation
        do {
            location = try StoreLocation(text)
        } catch {
            throw ValidationError(error.message)
        }
        try await StoreMain.run(configuration, location: location, formId: form)
    }
}
