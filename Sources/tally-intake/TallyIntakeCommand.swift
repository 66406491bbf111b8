import ArgumentParser
import TallyIntake
import TallyWorker

/// `tally-intake`: the HTTP gateway from survey platforms to survey.submissions.
@main
struct TallyIntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally-intake",
        abstract: "Receive survey submissions over HTTP (FieldTally JSON, KoboToolbox, ODK) and produce them to survey.submissions.",
        discussion: "Answers 202 only once the broker has acknowledged the record; 503 with Retry-After when it has not. See Deploy/OPERATIONS.md."
    )

    @OptionGroup var options: WorkerOptions
    @OptionGroup var intake: IntakeOptions

    func run() async throws {
        try await IntakeMain.run(try intake.resolve(worker: options))
    }
}
