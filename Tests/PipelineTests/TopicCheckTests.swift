import FieldTallyKafka
import FieldTallyTestKit
import Logging
import SurveyEngine
import TallyWorker
import Testing

extension WorkerPipeline {
    /// A worker service applies its processor's own topic checks, so no process that runs an
    /// aggregator (the executable, `tally replay`) can start one on topics it would miscount.
    @Suite(.timeLimit(.minutes(2)))
    struct TopicCheckTests {
        @Test func anAggregatorRefusesTopicsThatAreNotCoPartitionedAndNamesThem() async throws {
            let broker = try await TestBroker.start()
            defer { broker.stop() }
            let coded = try await broker.createTopic("coded", partitions: 2)
            let rejected = try await broker.createTopic("rejected", partitions: 3)
            let changelog = try await broker.createTopic("changelog", partitions: 2)
            let configuration = try WorkerOptions.parse([]).resolve(
                workerName: "tally-aggregate",
                environment: [
                    "TALLY_BROKERS": broker.bootstrapServers.joined(separator: ","),
                    "TALLY_TOPIC_CODED": coded, "TALLY_TOPIC_REJECTED": rejected, "TALLY_TOPIC_CHANGELOG": changelog,
                ]
            )
            let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018").path)
            let logger = Logger(label: "topic-check-test")
            let processor = AggregateProcessor(
                plan: survey.plan,
                frame: survey.frame,
                validator: survey.validator,
                configuration: configuration,
                logger: logger
            )
            let service = WorkerService(
                configuration: configuration,
                processor: processor,
                metrics: WorkerMetrics(),
                readiness: Readiness(),
                logger: logger
            )
            let error = await #expect(throws: WorkerError.self) { try await service.run() }
            let message = error?.description ?? ""
            #expect(message.contains(coded) && message.contains(rejected) && message.contains(changelog))
            #expect(message.contains("same number of partitions"))
        }
    }
}
