import ArgumentParser
import SurveyEngine
import TallyWorker

/// `tally-validate`: survey.submissions → survey.valid, dead letters to survey.rejected.
@main
struct TallyValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally-validate",
        abstract: "Validate survey submissions against the instrument and frame.",
        discussion:
            "Reads survey.submissions; writes valid submissions, unchanged and keyed by respondent, to survey.valid and everything else to survey.rejected with one reason per problem."
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let configuration = try options.resolve(workerName: "tally-validate")
        try await WorkerMain.run(configuration) { configuration, _ in
            let survey = try SurveyDefinition(directory: configuration.schemas)
            return ValidateProcessor(validator: survey.validator, configuration: configuration)
        }
    }
}
