import ArgumentParser
import Foundation
import SurveyEngine

/// `tally offline STREAM`: validate, code and tally a message file in one process.
struct OfflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offline",
        abstract: "Tally a file of messages (key<TAB>value or JSON lines, as kcat writes them) without Kafka.",
        discussion: """
            Runs the same validator, coder and aggregator as the workers, on one partition, and prints the
            tally document (text or JSON). With --coded, --rejected or --review it prints JSON lines instead: one per
            counted respondent (its codes), one per rejected message (its reasons), or one per text in the coding
            review queue the stream leaves (respondent_id, field, source, text, candidates, reason). Use - to read stdin.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The message file (`-` for standard input).")
    var stream: String

    @Option(help: "The folder holding the survey folders (or one survey folder).")
    var schemas: String = "Schemas/"

    @Option(help: "The survey (form id) to use when --schemas holds several.")
    var form: String?

    @Option(help: "Output format of the tally document: text or json.")
    var format: Format = .text

    @Flag(help: "Print one JSON line per counted respondent with its codes instead of the tally.")
    var coded = false

    @Flag(help: "Print one JSON line per rejected message with its reasons instead of the tally.")
    var rejected = false

    @Flag(help: "Print one JSON line per text in the coding review queue instead of the tally.")
    var review = false

    @Option(help: "Hide counts below this threshold in the document (small-cell suppression). Default: off.")
    var suppressBelow: Int?

    @Flag(help: "Mark the tally final rather than provisional.")
    var final = false

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func run() throws {
        let survey: SurveyDefinition
        do {
            survey = try SurveyDefinition(directory: schemas, formId: form)
        } catch {
            throw OfflineFailure(description: error.description)
        }
        var run = OfflineTally(survey: survey)
        var progress = OfflineProgress(enabled: !quiet)
        var rejections: [OfflineTally.Result] = []
        do {
            try MessageFileReader.read(path: stream) { message in
                let result = run.process(message)
                if rejected, result.outcome.rejection != nil { rejections.append(result) }
                progress.tick(run.processed)
            }
        } catch {
            throw OfflineFailure(description: "\(stream): \(error)")
        }
        progress.finish(run.processed)

        var out = FileHandle.standardOutput
        if coded { OfflineOutput.writeCoded(run, to: &out) }
        if rejected { OfflineOutput.writeRejected(rejections, to: &out) }
        if review { OfflineOutput.writeReview(run, to: &out) }
        guard !coded && !rejected && !review else { return }
        let document = run.document(options: .init(suppressBelow: suppressBelow, provisional: !final))
        print(format == .json ? document.json() : document.textReport(), terminator: format == .json ? "\n" : "", to: &out)
    }
}
