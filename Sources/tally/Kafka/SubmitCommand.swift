import ArgumentParser
import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker

/// `tally submit FILE|-`: produces a message file to the submissions topic, confirming each record.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send a message file to survey.submissions (key<TAB>value lines as kcat -K'\\t' writes them, or JSON lines).",
        discussion: """
            Every record is confirmed by the broker (idempotent producer). Exits non-zero listing every \
            record the broker did not acknowledge. JSON lines are keyed by their respondent_id.
            """)

    @Argument(help: "The message file, or - for standard input.")
    var file: String

    @Option(help: "Messages per second, to play a survey 'in field' (0 = as fast as possible).")
    var pace: Double = 0

    @Flag(help: "No progress bar.")
    var quiet = false

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "submit")
        let topic = context.configuration.topics.submissions
        let producer = try KafkaProducer(configuration: context.configuration.producerConfiguration(), logger: context.logger)
        let reader: MessageFileReader
        do { reader = try MessageFileReader(path: file) } catch { throw ValidationError("\(error)") }
        var progress = ProgressBar(total: MessageFileReader.countMessages(path: file), enabled: !quiet, label: "acknowledged")
        var failures: [(line: Int, error: String)] = []
        var sent = 0
        let chunk = pace > 0 ? 1 : 5_000
        let started = ContinuousClock.now
        while true {
            let messages = try reader.next(limit: chunk)
            if messages.isEmpty { break }
            let records = messages.map { KafkaProducerRecord(topic: topic, key: $0.key, value: $0.value) }
            let results = try await producer.sendAllResults(records)
            for (message, result) in zip(messages, results) {
                if case .failure(let error) = result { failures.append((message.line, error.message)) }
            }
            sent += messages.count
            progress.update(sent - failures.count)
            if pace > 0 {
                let due = started + .seconds(Double(sent) / pace)
                if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            }
        }
        await producer.close()
        progress.finish(sent - failures.count)
        if !failures.isEmpty {
            note("tally submit: \(failures.count) of \(sent) records were NOT acknowledged:")
            for failure in failures.prefix(200) { note("  line \(failure.line): \(failure.error)") }
            if failures.count > 200 { note("  … and \(failures.count - 200) more") }
            throw ExitCode(1)
        }
        note("tally submit: \(sent) records acknowledged by \(context.configuration.brokers) into \(topic)")
    }
}

/// A one-line progress bar on standard error, redrawn in place.
struct ProgressBar {
    let total: Int?
    let enabled: Bool
    let label: String
    private var lastDraw = ContinuousClock.now - .seconds(1)

    init(total: Int?, enabled: Bool, label: String) {
        self.total = total
        self.enabled = enabled
        self.label = label
    }

    mutating func update(_ done: Int) {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(100) else { return }
        lastDraw = .now
        draw(done)
    }

    func finish(_ done: Int) {
        guard enabled else { return }
        draw(done)
        note("")
    }

    private func draw(_ done: Int) {
        if let total, total > 0 {
            let width = 30
            let filled = min(width, done * width / total)
            note("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(done)/\(total) \(label)", terminator: "")
        } else {
            note("\r\(done) \(label)", terminator: "")
        }
    }
}
