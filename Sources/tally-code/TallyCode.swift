import ArgumentParser
import SurveyEngine
import TallyWorker

/// `tally-code`: survey.valid → survey.coded (codes with evidence and codebook version).
@main
struct TallyCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally-code",
        abstract: "Code free-text answers against the survey's codebook.",
        discussion: "Reads survey.valid; writes each submission with its codes, evidence and codebook version to survey.coded."
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let configuration = try options.resolve(workerName: "tally-code")
        try await WorkerMain.run(configuration) { configuration, _ in
            let survey = try SurveyDefinition(directory: configuration.schemas)
            return CodeProcessor(validator: survey.validator, coder: survey.coder, configuration: configuration)
        }
    }
}
