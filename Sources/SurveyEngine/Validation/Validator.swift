/// Decides whether one message is a usable submission of an instrument, in ARCHITECTURE.md's order:
/// size cap → UTF-8 → JSON → envelope and answers (every problem, not just the first) → frame.
///
/// Build once per instrument and frame; `validate` is safe to call from many tasks at once
/// (`Sendable`, no shared mutable state), never throws and never traps on any input.
/// Stateful rules (duplicates, edits, re-sends) are the aggregator's, not this type's.
public struct Validator: Sendable {
    /// The instrument submissions must follow.
    public let instrument: Instrument
    /// The population frame `respondent_id` must belong to.
    public let frame: Frame
    /// The JSON parser used (nesting limit 64).
    public let parser: JSONParser
    /// The most problems listed for one message; the last one listed says how many more there were. Default: 100.
    public let maxProblems: Int

    let questions: [CompiledQuestion]
    let questionNames: Set<String>
    let envelopeNames: Set<String>
    let envelopeMembers: [Envelope.Member]

    /// Prepares a validator: compiles each question's option codes and names for lookups without scanning.
    ///
    /// - Parameters:
    ///   - instrument: the form's definition; messages naming another `form_id` or an undeclared
    ///     `form_version` are invalid (`unknown_form`).
    ///   - frame: the population frame (usually `instrument.loadFrame()`); a valid message whose
    ///     `respondent_id` is not in it is rejected as `unknown_respondent`.
    ///   - parser: the JSON parser. Default: `JSONParser()` (nesting limit 64).
    ///   - maxProblems: the most problems listed per message; values below 1 count as 1. Default: 100.
    public init(instrument: Instrument, frame: Frame, parser: JSONParser = JSONParser(), maxProblems: Int = 100) {
        self.instrument = instrument
        self.frame = frame
        self.parser = parser
        self.maxProblems = max(1, maxProblems)
        questions = instrument.questions.map { CompiledQuestion($0, in: instrument) }
        questionNames = Set(instrument.questions.map(\.name))
        let envelope = instrument.envelope
        envelopeNames = Set((envelope.stringMembers + [envelope.answers]).map(\.member))
        envelopeMembers = envelope.stringMembers
    }

    /// Validates one message value (raw Kafka bytes).
    ///
    /// Checks in order: size cap (`limits.messageBytes`, before anything is parsed), UTF-8 and JSON (the first
    /// parse error only), then envelope and answers (every problem, up to ``maxProblems``), then the frame.
    ///
    /// - Parameter bytes: The message value exactly as received; any bytes, including empty, are accepted.
    /// - Returns: `.valid` with the submission, or `.rejected` with reason `invalid` and its problems, or
    ///   `unknown_respondent`. The rejection names the respondent and instance when the message did.
    public func validate(_ bytes: UnsafeRawBufferPointer) -> ValidationOutcome {
        guard bytes.count <= instrument.limits.messageBytes else {
            return .rejected(
                Rejection(
                    reason: .invalid,
                    problems: [
                        Problem(
                            pointer: "",
                            code: .tooLarge,
                            message:
                                "the message has \(bytes.count) bytes; the limit is \(instrument.limits.messageBytes) bytes"
                        )
                    ]
                )
            )
        }
        let document: JSONValue
        do {
            document = try parser.parse(bytes)
        } catch {
            return .rejected(Rejection(reason: .invalid, problems: [Problem(pointer: "", code: error.problemCode, message: error.message)]))
        }
        return validate(document: document)
    }

    /// Validates one message value (raw Kafka bytes); see the `UnsafeRawBufferPointer` overload.
    ///
    /// - Parameter bytes: The message value exactly as received.
    /// - Returns: The outcome, as for a raw buffer.
    public func validate(_ bytes: [UInt8]) -> ValidationOutcome {
        bytes.withUnsafeBytes { validate($0) }
    }

    /// Validates one message value from any byte collection (contiguous storage is not copied).
    ///
    /// - Parameter bytes: The message value, e.g. a `Data` or an `ArraySlice`; non-contiguous collections are
    ///   copied into an array first.
    /// - Returns: The outcome, as for a raw buffer.
    public func validate(_ bytes: some Collection<UInt8>) -> ValidationOutcome {
        if let outcome = bytes.withContiguousStorageIfAvailable({ validate(UnsafeRawBufferPointer($0)) }) { return outcome }
        return validate(Array(bytes))
    }

    /// Validates one message given as text.
    ///
    /// - Parameter text: The message as a Swift string, so always valid UTF-8; its UTF-8 bytes are what the size
    ///   cap counts.
    /// - Returns: The outcome, as for a raw buffer.
    public func validate(_ text: String) -> ValidationOutcome {
        var text = text
        return text.withUTF8 { validate(UnsafeRawBufferPointer($0)) }
    }

    /// Validates an already parsed document: envelope and answers, then the frame.
    ///
    /// The size cap and UTF-8 checks do not apply: they belong to the bytes.
    ///
    /// - Parameter document: A parsed message; anything other than an object is invalid.
    /// - Returns: `.valid` when it has no problem and its respondent is in the frame; otherwise `.rejected`.
    public func validate(document: JSONValue) -> ValidationOutcome {
        var collector = ProblemCollector(limit: maxProblems)
        let found = checkDocument(document, into: &collector)
        guard collector.problems.isEmpty, let submission = found.submission else {
            return .rejected(
                Rejection(reason: .invalid, problems: collector.reported, respondentId: found.respondentId, instanceId: found.instanceId)
            )
        }
        guard frame.contains(submission.respondentId) else {
            return .rejected(Rejection(reason: .unknownRespondent, respondentId: submission.respondentId, instanceId: submission.instanceId))
        }
        return .valid(submission)
    }

    /// Every envelope and answer problem of `document` (empty when it follows the instrument).
    /// The frame is not consulted.
    ///
    /// - Parameter document: A parsed message.
    /// - Returns: Up to ``maxProblems`` problems in check order, the last one saying how many more were dropped.
    public func problems(in document: JSONValue) -> [Problem] {
        var collector = ProblemCollector(limit: maxProblems)
        checkDocument(document, into: &collector)
        return collector.reported
    }
}
