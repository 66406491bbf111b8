import ArgumentParser
import Foundation
import SurveyEngine
import TallyWorker

/// `tally tallies`: reads the newest partial of every partition once, merges, prints.
struct TalliesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tallies",
        abstract: "Print the merged tallies published on survey.tallies (the same document as `tally offline --format json`)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Option(help: "text, json or csv.")
    var format: Format = .json

    @OptionGroup var document: DocumentOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "tallies")
        let survey = try context.survey(form: document.form)
        let set = try await TallyTopicReader(configuration: context.configuration, formId: survey.plan.formId, logger: context.logger).read()
        let merged = set.merged()
        let doc = TallyDocument(merged: merged, plan: survey.plan, frame: survey.frame, options: document.options(asOf: merged.asOf))
        switch format {
        case .json: print(doc.json())
        case .text: print(doc.textReport(), terminator: "")
        case .csv: print(TallyTableCSV.render(doc), terminator: "")
        }
    }
}
