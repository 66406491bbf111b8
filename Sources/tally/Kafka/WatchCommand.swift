import ArgumentParser
import Foundation
import SurveyEngine
import TallyWorker

/// `tally watch`: a live terminal table of the merged tallies, redrawn as partials arrive.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Show the merged tallies live, redrawn whenever a new partial arrives (Ctrl-C to stop)."
    )

    @Option(help: "Seconds between reads of survey.tallies.")
    var interval: Double = 1

    @Option(help: "Exit once this many messages have been received (counted or rejected), e.g. the size of a submitted file.")
    var untilReceived: Int?

    @Option(help: "With --until-received: give up after this many seconds (exit status 1).")
    var timeout: Double = 600

    @OptionGroup var document: DocumentOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "watch")
        let survey = try context.survey(form: document.form)
        let reader = TallyTopicReader(configuration: context.configuration, formId: survey.plan.formId, logger: context.logger)
        let terminal = isatty(STDOUT_FILENO) == 1
        let started = ContinuousClock.now
        var shown: PartialTally?
        while true {
            let merged = try await reader.read().merged()
            let received = merged.paradata.received
            if merged != shown {
                shown = merged
                let doc = TallyDocument(merged: merged, plan: survey.plan, frame: survey.frame, options: document.options(asOf: merged.asOf))
                let heading =
                    "FieldTally watch: \(received) messages received, \(merged.counted) respondents counted — \(context.configuration.brokers.joined(separator: ","))\n\n"
                let screen = (terminal ? "\u{1B}[H\u{1B}[2J" : "") + heading + doc.textReport() + (terminal ? "" : "\n")
                FileHandle.standardOutput.write(Data(screen.utf8))
            }
            if let untilReceived, received >= untilReceived { return }
            if untilReceived != nil, ContinuousClock.now - started > .seconds(timeout) {
                note("tally watch: only \(received) of \(untilReceived!) messages received after \(Int(timeout)) s")
                throw ExitCode(1)
            }
            try await Task.sleep(for: .seconds(interval))
        }
    }
}
