import ArgumentParser
import TallyDashboard
import TallyWorker

/// `tally-dashboard`: the live web dashboard of the merged tallies.
@main
struct TallyDashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally-dashboard",
        abstract: "Serve the live dashboard of the merged tallies (survey.tallies, survey.rejected).",
        discussion: """
            Serves / (the page), /events (server-sent events), /api/tallies and /api/tallies.csv \
            (?suppress=N), /healthz, /livez and /metrics on --http-port (default 8080). Reads the topics \
            from their beginning without a consumer group; stops gracefully on SIGTERM.
            """
    )

    @OptionGroup var options: WorkerOptions
    @OptionGroup var dashboard: DashboardOptions

    func run() async throws {
        try await DashboardMain.run(options: options, dashboard: dashboard)
    }
}
