/// What the codebook made of one text for one field (see ``Coder/code(text:field:source:)``).
public struct CodedText: Sendable, Hashable {
    /// The coded field, e.g. `whole_system_model`.
    public var field: String
    /// The source path recorded in the evidence.
    public var source: String
    /// Whether the text is a non-blank answer.
    public var answered: Bool
    /// The codes assigned, sorted by name, no repeats (helper codes are never reported).
    public var codes: [String]
    /// Evidence for the codes, in text order: the first match of each rule that fired.
    public var evidence: [Evidence]
    /// Mentions cancelled by a negation cue ("we no longer use Signs of Safety"), for codes
    /// that were not also assigned elsewhere in the text. The rule id is the matching rule.
    public var negated: [Evidence]
    /// Numbers read from the text, keyed by number name (`duration_weeks`).
    public var numbers: [String: CodedNumber]
    /// The text's review item when it goes to review (see ``ReviewItem``), else `nil`.
    public var review: ReviewItem?

    /// Creates a coded text.
    ///
    /// The coder builds these; the initializer stores its arguments unchanged, without sorting `codes`
    /// or checking that the evidence and codes agree.
    /// - Parameters:
    ///   - field: The coded field's name.
    ///   - source: The source path recorded in the evidence, e.g. `answers.approaches.early_help.evidence`.
    ///   - answered: Whether the text is non-blank (not empty and not only ASCII whitespace).
    ///   - codes: The reported codes assigned, sorted by name, without repeats.
    ///   - evidence: The first match of each rule that fired, in text order.
    ///   - negated: Cancelled mentions of codes not also assigned elsewhere in the text.
    ///   - numbers: Numbers read from the text, keyed by number rule name.
    ///   - review: The text's review item, or `nil` when the coder is sure. Default: `nil`.
    public init(
        field: String,
        source: String,
        answered: Bool,
        codes: [String],
        evidence: [Evidence],
        negated: [Evidence],
        numbers: [String: CodedNumber],
        review: ReviewItem? = nil
    ) {
        self.review = review
        self.field = field
        self.source = source
        self.answered = answered
        self.codes = codes
        self.evidence = evidence
        self.negated = negated
        self.numbers = numbers
    }

    /// The codes cancelled by negation, sorted, no repeats.
    public var negatedCodes: [String] { Array(Set(negated.map(\.code))).sorted() }
}
