import ArgumentParser
import FieldTallyKafka
import Foundation
import Logging
import ServiceLifecycle
import SurveyEngine
import TallyWorker

/// `tally replay --from-beginning`: re-codes history with the current codebook into fresh topics.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-code every valid submission with the current codebook, by new consumer groups into fresh topics.",
        discussion: """
            After a codebook change: reads survey.valid from its beginning with a new group, codes into \
            survey.coded.<suffix>, aggregates into survey.tallies.<suffix> (with its own changelog), copies the \
            validator's dead letters so the paradata stay complete, waits until every message is counted, and \
            prints the new tallies. The live pipeline is not touched, except the coding review queue: the replay \
            writes every head's review records to the live survey.coding-review, so the texts the current codebook \
            settles leave it (tally review). Point readers at the new topics to switch.
            """
    )

    @Flag(help: "Required: replay from the first record of survey.valid.")
    var fromBeginning = false

    @Option(help: "Suffix of the fresh topics and groups. Default: replay-<UTC timestamp>.")
    var suffix: String?

    @Option(help: "Give up after this many seconds (exit status 1).")
    var timeout: Double = 600

    @OptionGroup var document: DocumentOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        guard fromBeginning else { throw ValidationError("say --from-beginning: a replay re-codes all of survey.valid") }
        let context = try CLIContext(options: options, command: "replay")
        let survey = try context.survey(form: document.form)
        let stamp = ISO8601DateFormatter().string(from: Date()).filter { $0.isNumber }
        let tag = suffix ?? "replay-\(stamp)"
        let live = context.configuration

        var code = live
        code.workerName = "tally-code-\(tag)"
        code.group = code.workerName
        code.topics.coded = "\(live.topics.coded).\(tag)"
        code.topics.rejected = "\(live.topics.rejected).\(tag)"
        code.topics.tallies = "\(live.topics.tallies).\(tag)"
        code.topics.changelog = "\(live.topics.changelog).\(tag)"
        // topics.codingReview stays the live queue: settled texts leave it, the others get the new codebook's items.
        var aggregate = code
        aggregate.workerName = "tally-aggregate-\(tag)"
        aggregate.group = aggregate.workerName

        try await TopicProvisioner.ensure(code, logger: context.logger)
        // Upstream dead letters (the validator's) carried over, so the new paradata count every message.
        let letters = try await DeadLetterReader(configuration: live, logger: context.logger).read()
            .filter { !$0.worker.hasPrefix("tally-aggregate") && !$0.worker.hasPrefix("tally-code") }
        let producer = try KafkaProducer(configuration: live.producerConfiguration(), logger: context.logger)
        _ = try await producer.sendAll(letters.map(DeadLetters(configuration: code).record(carrying:)))
        await producer.close()
        // Counted by reading: watermarks are not exact on every Kafka-compatible broker (Tansu).
        let validCount = try await KafkaTopicReader(configuration: live.readerConfiguration(), logger: context.logger)
            .readToEnd(topic: live.topics.valid) { _ in }
        let expected = validCount + letters.count
        note("tally replay: re-coding \(validCount) valid submissions (+\(letters.count) upstream dead letters) into *.\(tag) topics")

        let metrics = WorkerMetrics()
        let codeService = WorkerService(
            configuration: code,
            processor: CodeProcessor(validator: survey.validator, coder: survey.coder, configuration: code),
            metrics: metrics,
            readiness: Readiness(),
            logger: context.logger
        )
        let aggregateService = WorkerService(
            configuration: aggregate,
            processor: AggregateProcessor(
                plan: survey.plan,
                frame: survey.frame,
                validator: survey.validator,
                configuration: aggregate,
                logger: context.logger,
                tombstoneEveryField: true
            ),
            metrics: metrics,
            readiness: Readiness(),
            logger: context.logger
        )
        let reader = TallyTopicReader(configuration: code, formId: survey.plan.formId, logger: context.logger)
        let waiter = ReplayWaiter(reader: reader, expected: expected, timeout: .seconds(timeout))
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: codeService), .init(service: aggregateService),
                    .init(
                        service: waiter,
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: context.logger
            )
        )
        try await group.run()
        let merged = try await reader.read().merged()
        guard merged.paradata.received >= expected else {
            note("tally replay: only \(merged.paradata.received) of \(expected) messages counted")
            throw ExitCode(1)
        }
        let doc = TallyDocument(merged: merged, plan: survey.plan, frame: survey.frame, options: document.options(asOf: merged.asOf))
        print(doc.textReport(), terminator: "")
        note("tally replay: done; new tallies in \(code.topics.tallies) (read them with --topic-tallies \(code.topics.tallies))")
    }
}
