/// The whole pipeline in one process, for a file of messages (`tally offline`): validate, code,
/// aggregate, exactly as the workers do over Kafka, on one partition.
public struct OfflineTally: Sendable {
    /// What happened to one message.
    public struct Result: Sendable {
        /// The message's line number in its file (0 when not from a file).
        public var line: Int
        /// The message key as text.
        public var key: String
        /// What the aggregator did with it (rejections by the validator included).
        public var outcome: Outcome
    }

    /// The survey.
    public let survey: SurveyDefinition
    /// The aggregator holding the tally so far.
    public private(set) var aggregator: Aggregator
    /// Messages processed so far.
    public private(set) var processed = 0
    /// The review queue the counted versions leave: what `tally-aggregate` keeps on the compacted
    /// `survey.coding-review` topic for the same stream.
    public private(set) var review = ReviewQueue()

    /// An empty run for `survey`.
    ///
    /// Starts with an aggregator over the survey's tally plan and frame, no messages processed
    /// and an empty review queue.
    /// - Parameter survey: The loaded survey whose validator, coder and tally plan every message goes through.
    public init(survey: SurveyDefinition) {
        self.survey = survey
        self.aggregator = Aggregator(plan: survey.plan, frame: survey.frame)
    }

    /// Validates, codes and counts one message.
    ///
    /// A message the validator rejects is recorded as an upstream rejection; a valid submission is
    /// coded and applied to the aggregator, and only when the aggregator accepts that version do its
    /// coding review items replace the respondent's items in `review`. `processed`
    /// counts every message, accepted or not.
    /// - Parameter message: The message to process; its `line` and key are copied into the result.
    /// - Returns: What the aggregator did with the message. The result may be ignored.
    @discardableResult
    public mutating func process(_ message: KeyedMessage) -> Result {
        processed += 1
        let outcome: Outcome
        switch survey.validator.validate(message.value) {
        case .rejected(let rejection):
            outcome = aggregator.recordUpstreamRejection(rejection)
        case .valid(let submission):
            let coding = survey.coder.code(submission: submission)
            outcome = aggregator.apply(CodedSubmission(submission: submission, coding: coding))
            if outcome.isAccepted { review.replace(respondentID: submission.respondentId, with: coding.review) }
        }
        return Result(line: message.line, key: message.keyString, outcome: outcome)
    }

    /// The tally document of everything processed.
    ///
    /// Builds the document from a snapshot of the aggregator, so later calls to `process(_:)` do not
    /// change it; its coding-review counts per field are the aggregator's (the counted versions'
    /// items, the same as `review.countsByField`).
    /// - Parameter options: How the document is rendered. Default: `TallyDocument.Options()`.
    /// - Returns: The tally document as `tally offline` writes it.
    public func document(options: TallyDocument.Options = TallyDocument.Options()) -> TallyDocument {
        TallyDocument(merged: aggregator.snapshot(), plan: survey.plan, frame: survey.frame, options: options)
    }
}
