import ArgumentParser
import Foundation
import Logging
import SurveyEngine
import TallyWorker

/// What every Kafka subcommand sets up: the resolved configuration (flags, then `TALLY_*`
/// variables, then defaults), quiet logs on standard error, and the survey when needed.
struct CLIContext {
    let configuration: WorkerConfiguration
    let logger: Logger

    init(options: WorkerOptions, command: String) throws {
        var configuration = try options.resolve(workerName: "tally-\(command)")
        if options.logFormat == nil && ProcessInfo.processInfo.environment["TALLY_LOG_FORMAT"] == nil {
            configuration.logFormat = .human
        }
        if options.logLevel == nil && ProcessInfo.processInfo.environment["TALLY_LOG_LEVEL"] == nil {
            configuration.logLevel = .warning
        }
        self.configuration = configuration
        self.logger = configuration.bootstrapLogging()
    }

    /// The survey under `--schemas`.
    /// - Throws: `ValidationError` with the definition problem.
    func survey(form: String? = nil) throws -> SurveyDefinition {
        do {
            return try SurveyDefinition(directory: configuration.schemas, formId: form)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// Writes to standard error (progress, notes) without touching standard output.
func note(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}
