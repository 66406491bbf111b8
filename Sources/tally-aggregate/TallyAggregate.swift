import ArgumentParser
import SurveyEngine
import TallyWorker

/// `tally-aggregate`: survey.coded + survey.rejected → exact partial tallies on survey.tallies.
@main
struct TallyAggregate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally-aggregate",
        abstract: "Aggregate coded submissions into exact rolling tallies.",
        discussion: """
            Reads survey.coded and survey.rejected (co-partitioned: same partition count), keeps each \
            respondent's counted state in the compacted survey.aggregate-changelog, and publishes a partial \
            tally per owned partition to survey.tallies (key <form_id>/<partition>).
            """
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let configuration = try options.resolve(workerName: "tally-aggregate")
        try await WorkerMain.run(configuration) { configuration, logger in
            let survey = try SurveyDefinition(directory: configuration.schemas)
            return AggregateProcessor(
                plan: survey.plan,
                frame: survey.frame,
                validator: survey.validator,
                configuration: configuration,
                logger: logger
            )
        }
    }
}
