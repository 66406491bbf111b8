import ArgumentParser
import Logging
import TallyStore
import TallyWorker

/// `tally export`: the current tallies from a tally-store database, without Kafka.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the current tallies kept by tally-store (SQLite file or postgres:// URL), without Kafka.",
        discussion: """
            json prints the newest tally document (the same document as `tally tallies --format json`); csv prints one \
            row per field and code: field, code, count, base_all, pct_all, base_answered, pct_answered, ci_low, ci_high.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

    @Option(help: ArgumentHelp("The store: a SQLite file or postgres://user:password@host:port/database.", valueName: "path-or-url"))
    var store: String

    @Option(help: "json or csv.")
    var format: Format = .json

    func run() async throws {
        let location: StoreLocation
        do {
            location = try StoreLocation(store)
        } catch {
            throw ValidationError(error.message)
        }
        var logger = Logger(label: "tally-export")
        logger.logLevel = .warning
        let database = try await TallyStoreDatabase.open(location, create: false, logger: logger)
        do {
            switch format {
            case .json:
                guard let document = try await database.latestDocument() else {
                    note("tally export: \(location) holds no tallies yet")
                    throw ExitCode(1)
                }
                print(document)
            case .csv:
                print(TallyTableCSV.render(try await database.currentTallies()), terminator: "")
            }
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }
}
