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
        self.deadLetters = DeadLetters(topic: configuration.topics.rejected, worker: configuration.workerName,
                                       maxRecordBytes: configuration.maxRecordBytes)
    }

    public func process(_ records: [KafkaRecord]) async throws -> BatchOutput {
        var valid: [KafkaProducerRecord] = []
        var rejected: [KafkaProducerRecord] = []
        var reasons: [String: Int] = [:]
        valid.reserveCapacity(records.count)
        for record in records {
            let value = record.value ?? []
            let source = SourcePosition(of: record)
            switch validator.validate(value) {
            case .valid(let submission):
                valid.append(KafkaProducerRecord(topic: topics.valid, key: Array(submission.respondentId.utf8), value: value,
                                                 headers: [source.kafkaHeader]))
            case .rejected(let rejection):
                rejected.append(deadLetters.record(for: rejection, input: record, source: source))
                reasons[rejection.reason.rawValue, default: 0] += 1
            }
        }
        return BatchOutput(phases: [valid + rejected], rejectedByReason: reasons, outputCount: valid.count)
    }
}
