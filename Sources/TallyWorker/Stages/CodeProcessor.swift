import FieldTallyKafka
import SurveyEngine

/// `tally-code`: reads `survey.valid`, codes each submission's free text against the codebook
/// and writes a coded record (submission as submitted, codes, evidence, codebook version) to
/// `survey.coded`. A record that no longer validates (e.g. produced into `survey.valid` by
/// someone else) goes to `survey.rejected` with its problems. Stateless.
public final class CodeProcessor: RecordProcessor {
    private let validator: Validator
    private let coder: Coder
    private let topics: WorkerConfiguration.Topics
    private let deadLetters: DeadLetters

    public var inputTopics: [String] { [topics.valid] }

    public init(validator: Validator, coder: Coder, configuration: WorkerConfiguration) {
        self.validator = validator
        self.coder = coder
        self.topics = configuration.topics
        self.deadLetters = DeadLetters(topic: configuration.topics.rejected, worker: configuration.workerName,
                                       maxRecordBytes: configuration.maxRecordBytes)
    }

    public func process(_ records: [KafkaRecord]) async throws -> BatchOutput {
        let (validator, coder, topics, deadLetters) = (validator, coder, topics, deadLetters)
        // Records are independent: coded on every core, then gathered in input order.
        let outcomes = await records.concurrentMap { record -> (record: KafkaProducerRecord, rejection: String?) in
            let value = record.value ?? []
            let source = SourcePosition.carried(by: record)
            switch validator.validate(value) {
            case .valid(let submission):
                let coding = coder.code(answers: submission.answers)
                let bytes = CodedRecord.encode(source: source, coding: coding, submissionBytes: value)
                return (KafkaProducerRecord(topic: topics.coded, key: Array(submission.respondentId.utf8), value: bytes,
                                            headers: [source.kafkaHeader]), nil)
            case .rejected(let rejection):
                return (deadLetters.record(for: rejection, input: record, source: source), rejection.reason.rawValue)
            }
        }
        return BatchOutput(forwardingOrRejecting: outcomes)
    }
}
