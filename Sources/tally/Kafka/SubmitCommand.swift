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
            """
    )

    @Argument(help: "The message file, or - for standard input.")
    var file: String

    @Option(help: "Messages per second, to play a survey 'in field' (0 = as fast as possible).")
    var pace: Double = 0

    @Flag(help: "No progress bar.")
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "Send through tally-intake at this URL (POST /v1/submissions as JSON lines) instead of to Kafka.",
            valueName: "url"
        )
    )
    var http: String?

    @Option(name: .customLong("http-token"), help: "Bearer token for --http. Env: TALLY_INTAKE_TOKEN.")
    var httpToken: String?

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        if let http {
            return try await submitOverHTTP(to: http)
        }
        let context = try CLIContext(options: options, command: "submit")
        let topic = context.configuration.topics.submissions
        let producer = try KafkaProducer(configuration: context.configuration.producerConfiguration(), logger: context.logger)
        let reader: MessageFileReader
        do { reader = try MessageFileReader(path: file) } catch { throw ValidationError("\(error)") }
        var progress = ProgressBar(total: MessageFileReader.countMessages(path: file), enabled: !quiet, label: "acknowledged")
        var failures: [(line: Int, error: String)] = []
        var sent = 0
        let started = ContinuousClock.now
        while true {
            let messages = try reader.next(limit: pace > 0 ? try await Self.due(sent: sent, pace: pace, since: started) : Self.chunk)
            if messages.isEmpty { break }
            let records = messages.map { KafkaProducerRecord(topic: topic, key: $0.key, value: $0.value) }
            let results = try await producer.sendAllResults(records)
            for (message, result) in zip(messages, results) {
                if case .failure(let error) = result { failures.append((message.line, error.message)) }
            }
            sent += messages.count
            progress.update(sent - failures.count)
        }
        await producer.close()
        progress.finish(sent - failures.count)
        if !failures.isEmpty {
            note("tally submit: \(failures.count) of \(sent) records were NOT acknowledged:")
            for failure in failures.prefix(200) { note("  line \(failure.line): \(failure.error)") }
            if failures.count > 200 { note("  … and \(failures.count - 200) more") }
            throw ExitCode(1)
        }
        note("tally submit: \(sent) records acknowledged by \(context.configuration.brokers.joined(separator: ",")) into \(topic)")
    }

    /// Sends the file through tally-intake, ``httpChunk`` lines (or the paced share) per request.
    private func submitOverHTTP(to url: String) async throws {
        let token = httpToken ?? ProcessInfo.processInfo.environment["TALLY_INTAKE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let submitter: HTTPSubmitter
        let reader: MessageFileReader
        do {
            submitter = try HTTPSubmitter(url: url, token: token)
            reader = try MessageFileReader(path: file)
        } catch { throw ValidationError("\(error)") }
        var progress = ProgressBar(total: MessageFileReader.countMessages(path: file), enabled: !quiet, label: "stored")
        var sent = 0
        var unreadable: [(line: Int, detail: String)] = []
        let started = ContinuousClock.now
        while true {
            let messages = try reader.next(limit: pace > 0 ? try await Self.due(sent: sent, pace: pace, since: started) : Self.httpChunk)
            if messages.isEmpty { break }
            do {
                unreadable += try await submitter.send(messages).unreadable
            } catch {
                progress.finish(sent)
                note("tally submit: \(error)")
                throw ExitCode(1)
            }
            sent += messages.count
            progress.update(sent)
        }
        progress.finish(sent)
        for entry in unreadable.prefix(50) { note("  line \(entry.line) is not a submission (it goes to survey.rejected): \(entry.detail)") }
        note("tally submit: \(sent) records stored by \(submitter.endpoint)" + (unreadable.isEmpty ? "" : ", \(unreadable.count) of them unreadable"))
    }

    /// Records per request through tally-intake when not paced.
    static let httpChunk = 1_000

    /// Records sent per request when not paced.
    static let chunk = 5_000

    /// How many records to send now to keep `pace` records a second since `start`, once
    /// `sent` went out: waits until the next one is due, then takes every record due by then
    /// (at least one). Sending what fell due while the last request waited for its
    /// acknowledgement keeps the pace whatever the broker's round trip, and sends fewer,
    /// larger requests than one record at a time.
    static func due(sent: Int, pace: Double, since start: ContinuousClock.Instant) async throws -> Int {
        let next = start + .seconds(Double(sent) / pace)
        if next > .now { try await Task.sleep(until: next, clock: .continuous) }
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        return min(chunk, max(1, Int(elapsed * pace) + 1 - sent))
    }
}
