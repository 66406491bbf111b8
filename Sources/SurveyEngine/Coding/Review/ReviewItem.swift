/// A coded text a human coder should look at: the coder answered it but is not sure.
///
/// A text goes to review when it is answered but received no code (whether or not another text
/// of its field did), when a code came only from low-confidence rules or weak signals, when a
/// code was cancelled by a negation or scope cue ("previously", "we considered … but chose"), or
/// when a clause of a coded text matched no rule but uses the field's vocabulary. `tally-code` writes them into the coded record and
/// `tally-aggregate` publishes a head version's items to the compacted `survey.coding-review`
/// topic; a newer version or codebook that settles a text removes it from the queue.
public struct ReviewItem: Sendable, Hashable, Codable {
    /// Why the text is in review.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Answered, and no code in the field (no text of the field received one).
        case noCode = "no_code"
        /// Answered, and this text received no code although another text of the field did
        /// (a respondent's other evidence answer, say).
        case uncodedText = "uncoded_text"
        /// A code came only from rules (or weak signals: a misspelling, a cue in its sentence) below
        /// the codebook's `review.min_confidence`, or a `review_only` rule suggested a code.
        case lowConfidence = "low_confidence"
        /// A code was cancelled by a negation or scope cue.
        case cancelled
        /// The text got a code, but one of its clauses matched no rule and uses the field's
        /// vocabulary (a second service, a figure in an evidence answer).
        case uncodedClause = "uncoded_clause"
        /// The rules were sure, but the codebook's second opinion (``SecondOpinion``) reads one of
        /// the field's codes clearly otherwise: a code found that it finds unlikely, or one not found
        /// that it finds likely.
        case secondOpinion = "second_opinion"
    }

    /// A code the coder considered for the text, and why it is in doubt.
    public struct Candidate: Sendable, Hashable, Codable {
        /// The code, e.g. `signs_of_safety`.
        public var code: String
        /// The rule that matched.
        public var rule: String
        /// The matched words.
        public var matched: String
        /// `coded` (low confidence, still coded), `suggested` (a `review_only` rule; not coded) or `cancelled`.
        public var status: String
        /// Why, in words: "confidence 0.5 below 0.8", "cancelled by neg.previously (past)".
        public var why: String
        /// The confidence of the rule that matched (0 < c ≤ 1).
        public var confidence: Double

        /// Creates a candidate.
        /// - Parameters:
        ///   - code: The reported code in doubt.
        ///   - rule: The id of the rule that matched it.
        ///   - matched: The words of the text the rule matched, as written.
        ///   - status: `coded`, `suggested` or `cancelled`; not checked here.
        ///   - why: The doubt in words, e.g. "confidence 0.5 is below 0.8" or "cancelled by neg.previously (past)".
        ///   - confidence: The matching rule's confidence, above 0 and at most 1. Default: 1.
        public init(code: String, rule: String, matched: String, status: String, why: String, confidence: Double = 1) {
            self.code = code
            self.rule = rule
            self.matched = matched
            self.status = status
            self.why = why
            self.confidence = confidence
        }
    }

    /// The coded field.
    public var field: String
    /// The concrete source path of the text (`answers.approaches.early_help.evidence`).
    public var source: String
    /// The text.
    public var text: String
    /// The first reason that applies, in the order no code (`no_code` or `uncoded_text`), low
    /// confidence, cancelled, uncoded clause, second opinion.
    public var reason: Reason
    /// Low-confidence and cancelled codes, in text order.
    public var candidates: [Candidate]

    /// Creates a review item.
    /// - Parameters:
    ///   - field: The coded field's name.
    ///   - source: The concrete source path of the text, with no `*` steps.
    ///   - text: The full answer text, as submitted.
    ///   - reason: Why the text is in review; the first of no code (`no_code`, `uncoded_text`), low confidence,
    ///     cancelled, uncoded clause and second opinion that applies.
    ///   - candidates: The low-confidence, suggested and cancelled codes, in text order; empty for a
    ///     plain `no_code` item.
    public init(field: String, source: String, text: String, reason: Reason, candidates: [Candidate]) {
        self.field = field
        self.source = source
        self.text = text
        self.reason = reason
        self.candidates = candidates
    }
}
