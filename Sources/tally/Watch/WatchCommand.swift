import ArgumentParser
import Foundation
import SurveyEngine
import TallyWorker

/// `tally watch`: the merged tallies, live. On a terminal, a screen that fits the window (the
/// headline on top, the fields paged below, redrawn in place); otherwise the plain report,
/// printed again whenever a new partial arrives.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Show the merged tallies live, redrawn whenever a new partial arrives (q or Ctrl-C to stop).",
        discussion: """
            On a terminal: the headline (response rate against the frame, counted respondents, as_of, codebook, \
            completeness, last update) stays on top and the fields are paged below. Keys: n, space or Page Down for \
            the next page; p, b or Page Up for the previous one; q or Ctrl-C to quit. When standard output is not a \
            terminal, the plain report is printed each time the tallies change.
            """
    )

    @Option(help: "Seconds between reads of survey.tallies when standard output is not a terminal.")
    var interval: Double = 1

    @Option(help: "Exit once this many messages have been received (counted or rejected), e.g. the size of a submitted file.")
    var untilReceived: Int?

    @Option(help: "With --until-received: give up after this many seconds (exit status 1).")
    var timeout: Double = 600

    @Option(help: "Show only these fields, free texts, numeric summaries or cross-tabs (comma-separated names).")
    var fields: String?

    @OptionGroup var document: DocumentOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "watch")
        let survey = try context.survey(form: document.form)
        let picked = try pickedFields(survey)
        if isatty(STDOUT_FILENO) == 1 {
            try await runScreen(context: context, survey: survey, fields: picked)
        } else {
            try await runPlain(context: context, survey: survey, fields: picked)
        }
    }

    /// `--fields` as names, checked against the survey's.
    private func pickedFields(_ survey: SurveyDefinition) throws -> [String]? {
        guard let fields else { return nil }
        let names = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let empty = TallyDocument(merged: PartialTally(formId: survey.plan.formId), plan: survey.plan, frame: survey.frame)
        let unknown = WatchScreen.unknownFields(names, in: empty)
        guard unknown.isEmpty else {
            throw ValidationError(
                "--fields: unknown \(unknown.map { "'\($0)'" }.joined(separator: ", ")); known: \(empty.textBlockNames.joined(separator: ", "))"
            )
        }
        return names
    }

    private func tallyDocument(_ merged: PartialTally, _ survey: SurveyDefinition) -> TallyDocument {
        TallyDocument(merged: merged, plan: survey.plan, frame: survey.frame, options: document.options(asOf: merged.asOf))
    }

    /// Whether `--until-received` was given and `--timeout` has passed.
    private func timedOut(since started: ContinuousClock.Instant) -> Bool {
        untilReceived != nil && ContinuousClock.now - started > .seconds(timeout)
    }

    /// Says how many messages arrived before the timeout, and exits with status 1.
    private func giveUp(received: Int) -> ExitCode {
        note("tally watch: only \(received) of \(untilReceived ?? 0) messages received after \(Int(timeout)) s")
        return ExitCode(1)
    }

    private func runPlain(context: CLIContext, survey: SurveyDefinition, fields: [String]?) async throws {
        let reader = TallyTopicReader(configuration: context.configuration, formId: survey.plan.formId, logger: context.logger)
        let started = ContinuousClock.now
        var shown: PartialTally?
        while true {
            let merged: PartialTally
            do {
                merged = try await reader.read().merged()
            } catch {
                // A broker that is away (restarting, frozen) is waited for: a watch is left open for a whole day.
                context.logger.warning("cannot read the tallies topic; trying again", metadata: ["error": "\(error)"])
                if timedOut(since: started) { throw giveUp(received: shown?.paradata.received ?? 0) }
                try await Task.sleep(for: .seconds(interval))
                continue
            }
            let received = merged.paradata.received
            if merged != shown {
                shown = merged
                let heading =
                    "FieldTally watch: \(received) messages received, \(merged.counted) respondents counted — \(context.configuration.brokers.joined(separator: ","))\n\n"
                let report = tallyDocument(merged, survey).textReport(selecting: fields.map(Set.init))
                FileHandle.standardOutput.write(Data((heading + report + "\n").utf8))
            }
            if let untilReceived, received >= untilReceived { return }
            if timedOut(since: started) { throw giveUp(received: received) }
            try await Task.sleep(for: .seconds(interval))
        }
    }

    /// Something the screen redraws for.
    private enum Event: Sendable {
        case terminal(TerminalScreen.Event)
        case partials(PartialTallySet, partitionCount: Int?)
        case tick
    }

    private func runScreen(context: CLIContext, survey: SurveyDefinition, fields: [String]?) async throws {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(256))
        let screen = TerminalScreen { _ = continuation.yield(.terminal($0)) }
        let reader = TallyTopicReader(configuration: context.configuration, formId: survey.plan.formId, logger: context.logger)
        // A broker that is away (restarting, frozen) is followed again after a pause, not given up on: the
        // screen's "last update N s ago" shows the stall meanwhile, and nothing is logged over the screen.
        let follower = Task {
            while !Task.isCancelled {
                try? await reader.follow { _ = continuation.yield(.partials($0, partitionCount: $1)) }
                try? await Task.sleep(for: .seconds(2))
            }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                continuation.yield(.tick)
            }
        }
        defer {
            follower.cancel()
            ticker.cancel()
            screen.restore()
        }

        let started = ContinuousClock.now
        var partials = PartialTallySet(formId: survey.plan.formId)
        var partitionCount: Int?
        var lastUpdate: ContinuousClock.Instant?
        var page = 0
        func draw() {
            let (width, height) = screen.size()
            let status = WatchScreen.Status(
                partitionsReported: partials.latest.count,
                partitionsTotal: partitionCount,
                secondsSinceUpdate: lastUpdate.map { Int((ContinuousClock.now - $0).components.seconds) }
            )
            let view = WatchScreen(document: tallyDocument(partials.merged(), survey), status: status, fields: fields)
            page = min(page, view.pageCount(width: width, height: height) - 1)
            screen.draw(view.render(width: width, height: height, page: page))
        }
        draw()
        for await event in events {
            switch event {
            case .terminal(.keys(let keys)):
                for key in keys {
                    switch key {
                    case .nextPage: page += 1
                    case .previousPage: page = max(0, page - 1)
                    case .quit: return
                    }
                }
            case .terminal(.resized), .tick: break
            case .terminal(.signal(let number)): throw ExitCode(128 + number)
            case .partials(let set, let count):
                if set != partials { lastUpdate = .now }
                partials = set
                partitionCount = count
            }
            draw()
            let received = partials.merged().paradata.received
            // The last frame shows completeness too: the partition count comes once the partials published before the start are read.
            if let untilReceived, received >= untilReceived, partitionCount != nil { return }
            if timedOut(since: started) {
                screen.restore()
                throw giveUp(received: received)
            }
        }
    }
}
