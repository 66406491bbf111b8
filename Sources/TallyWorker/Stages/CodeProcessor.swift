import FieldTallyKafka
import SurveyEngine

/// `tally-code`: reads `survey.valid`, codes each submission's free text against the codebook
/// and writes a coded record (submission as submitted, codes, evidence, codebook version) to
/// `survey.coded`. Stateless.
///
/// The instrument's rules were checked by `tally-validate`, and `tally-aggregate` checks them
/// again before it counts anything, so a record is only parsed here: one that is a JSON object
/// with a `respondent_id` string and an `answers` object is coded as it is. Any other record
/// (e.g. produced into `survey.valid` by someone else) is validated in full and goes to
/// `survey.rejected` with its problems (or is coded, if it does validate). So the common record
/// costs one parse, not a second full validation.
public final class CodeProcessor: RecordProcessor {
    private let validator: Validator
    private let coder: Coder
    private let topics: WorkerConfiguration.Topics
    private let deadLetters: DeadLetters

    public var inputTopics: [String] { [topics.valid] }

    /// Creates the coding stage.
    /// - Parameters:
    ///   - validator: supplies the parser, size limit and envelope members for the one-parse fast path,
    ///     and fully validates any record that does not fit it.
    ///   - coder: codes each submission's answers against the codebook (codes, evidence, codebook version).
    ///   - configuration: the input (`valid`), output (`coded`) and dead-letter topics, and the worker
    ///     name and record-size limit used for dead letters.
    public init(validator: Validator, coder: Coder, configuration: WorkerConfiguration) {
        self.validator = validator
        self.coder = coder
        self.topics = configuration.topics
        self.deadLetters = DeadLetters(configuration: configuration)
    }

    /// Codes a batch of `survey.valid` records concurrently, keeping input order in the output.
    ///
    /// Each coded record is keyed by its respondent and carries the source position of the submission
    /// (from the input's source header, or the input record itself when it has none).
    /// - Parameter records: records of the valid topic; an empty or missing value is dead-lettered as invalid.
    /// - Returns: one phase of coded records followed by dead letters, rejections counted by reason.
    /// - Throws: never for bad input; the signature is the protocol's.
    public func process(_ records: [KafkaRecord]) async throws -> BatchOutput {
        let (validator, coder, topics, deadLetters) = (validator, coder, topics, deadLetters)
        // Records are independent: coded on every core, then gathered in input order.
        let outcomes = await records.concurrentMap { record -> (record: KafkaProducerRecord, rejection: String?) in
            let value = record.value ?? []
            let source = KafkaTopicPartitionOffset.carried(by: record)
            func coded(_ respondentId: String, _ answers: JSONValue) -> (record: KafkaProducerRecord, rejection: String?) {
                let bytes = CodedRecord.encode(source: source, coding: coder.code(answers: answers), submissionBytes: value)
                return (
                    KafkaProducerRecord(
                        topic: topics.coded,
                        key: Array(respondentId.utf8),
                        value: bytes,
                        headers: [source.sourceHeader]
                    ), nil
                )
            }
            if let (respondentId, answers) = Self.parts(of: value, validator: validator) { return coded(respondentId, answers) }
            switch validator.validate(value) {
            case .valid(let submission):
                return coded(submission.respondentId, submission.answers)
            case .rejected(let rejection):
                return (deadLetters.record(for: rejection, input: record, source: source), rejection.reason.rawValue)
            }
        }
        return BatchOutput(forwardingOrRejecting: outcomes)
    }

    /// The respondent id and answers of a record that parses (within the instrument's size and
    /// the parser's limits) as an object with a non-empty `respondent_id` string and an
    /// `answers` object; `nil` for anything else.
    static func parts(of value: [UInt8], validator: Validator) -> (respondentId: String, answers: JSONValue)? {
        guard value.count <= validator.instrument.limits.messageBytes,
            let document = try? validator.parser.parse(value),
            let respondentId = document[validator.instrument.envelope.respondentId.member]?.stringValue, !respondentId.isEmpty,
            let answers = document[validator.instrument.envelope.answers.member], answers.objectValue != nil
        else { return nil }
        return (respondentId, answers)
    }
}
