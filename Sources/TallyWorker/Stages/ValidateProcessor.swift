import FieldTallyKafka
import SurveyEngine

/// `tally-validate`: reads `survey.submissions`; a valid submission goes on to `survey.valid`
/// unchanged (keyed by its respondent, with its source position), anything else to
/// `survey.rejected` with every problem found. Stateless.
public final class ValidateProcessor: RecordProcessor {
    private let validator: Validator
    private let topics: WorkerConfiguration.Topics
    private let deadLetters: DeadLetters

    public var inputTopics: [String] { [topics.submissions] }

    public init(validator: Validator, configuration: WorkerConfiguration) {
        self.validator = validator
        self.topics = configuration.topics
        self.deadLetters = DeadLetters(configuration: configuration)
    }

    public func process(_ records: [KafkaRecord]) async throws -> BatchOutput {
        let (validator, topics, deadLetters) = (validator, topics, deadLetters)
        // Records are independent: validated on every core, then gathered in input order.
        let outcomes = await records.concurrentMap { record -> (record: KafkaProducerRecord, rejection: String?) in
            let value = record.value ?? []
            let source = KafkaTopicPartitionOffset(of: record)
            switch validator.validate(value) {
            case .valid(let submission):
                return (KafkaProducerRecord(topic: topics.valid, key: Array(submission.respondentId.utf8), value: value,
                                            headers: [source.sourceHeader]), nil)
            case .rejected(let rejection):
                return (deadLetters.record(for: rejection, input: record, source: source), rejection.reason.rawValue)
            }
        }
        return BatchOutput(forwardingOrRejecting: outcomes)
    }
}
