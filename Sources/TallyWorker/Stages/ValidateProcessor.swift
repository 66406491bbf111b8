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

    /// Creates the validation stage.
    /// - Parameters:
    ///   - validator: checks each submission against the instrument (envelope, answers, size limits).
    ///   - configuration: the input (`submissions`), output (`valid`) and dead-letter topics, and the
    ///     worker name and record-size limit used for dead letters.
    public init(validator: Validator, configuration: WorkerConfiguration) {
        self.validator = validator
        self.topics = configuration.topics
        self.deadLetters = DeadLetters(configuration: configuration)
    }

    /// Validates a batch of submissions concurrently, keeping input order in the output.
    ///
    /// A valid submission is forwarded byte for byte, keyed by its respondent id, with a source header
    /// naming this input record's topic, partition and offset.
    /// - Parameter records: records of the submissions topic; a record without a value is validated as empty bytes.
    /// - Returns: one phase of forwarded records followed by dead letters, rejections counted by reason.
    /// - Throws: never for bad input; the signature is the protocol's.
    public func process(_ records: [KafkaRecord]) async throws -> BatchOutput {
        let (validator, topics, deadLetters) = (validator, topics, deadLetters)
        // Records are independent: validated on every core, then gathered in input order.
        let outcomes = await records.concurrentMap { record -> (record: KafkaProducerRecord, rejection: String?) in
            let value = record.value ?? []
            let source = KafkaTopicPartitionOffset(of: record)
            switch validator.validate(value) {
            case .valid(let submission):
                return (
                    KafkaProducerRecord(
                        topic: topics.valid,
                        key: Array(submission.respondentId.utf8),
                        value: value,
                        headers: [source.sourceHeader]
                    ), nil
                )
            case .rejected(let rejection):
                return (deadLetters.record(for: rejection, input: record, source: source), rejection.reason.rawValue)
            }
        }
        return BatchOutput(forwardingOrRejecting: outcomes)
    }
}
