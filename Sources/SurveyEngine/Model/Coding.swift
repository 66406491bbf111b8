/// Why a code was assigned: the codebook rule and the text it matched.
public struct Evidence: Sendable, Hashable, Codable {
    /// The code this evidence supports, e.g. `signs_of_safety`.
    public var code: String
    /// The codebook rule id that fired, e.g. `wsm.sos.abbrev`.
    public var rule: String
    /// Where the text came from, e.g. `answers.approaches.whole_system.description`.
    public var source: String
    /// The matched span as UTF-8 byte offsets into the source text, `start..<end`.
    public var start: Int
    public var end: Int
    /// The matched text itself, for a reader who does not have the source at hand.
    public var matched: String
    /// The rule's confidence (0 < c ≤ 1; the codebook's `confidence`, 1 unless it says otherwise).
    public var confidence: Double

    public init(code: String, rule: String, source: String, start: Int, end: Int, matched: String, confidence: Double = 1) {
        self.code = code
        self.rule = rule
        self.source = source
        self.start = start
        self.end = end
        self.matched = matched
        self.confidence = confidence
    }
}

/// The coding of one coded field (e.g. `whole_system_model`) for one respondent:
/// the union over every source text of that field.
public struct CodedField: Sendable, Hashable, Codable {
    /// True when at least one source text of the field was a non-empty answer (the "answered" base).
    public var answered: Bool
    /// The codes assigned, sorted, no repeats.
    public var codes: [String]
    /// One or more pieces of evidence per assigned code.
    public var evidence: [Evidence]

    public init(answered: Bool, codes: [String], evidence: [Evidence]) {
        self.answered = answered
        self.codes = codes
        self.evidence = evidence
    }
}

/// A number read out of free text (e.g. `duration_weeks` = 12 from "a 12-week programme").
public struct CodedNumber: Sendable, Hashable, Codable {
    public var value: Double
    public var evidence: Evidence

    public init(value: Double, evidence: Evidence) {
        self.value = value
        self.evidence = evidence
    }
}

/// What the codebook made of one submission's free text.
public struct CodingResult: Sendable, Hashable, Codable {
    /// The codebook version that produced this result (replay with a new version re-codes history).
    public var codebookVersion: String
    /// Keyed by coded field name (`whole_system_model`, `evidence_source`, …); every field the
    /// codebook declares is present, answered or not.
    public var fields: [String: CodedField]
    /// Keyed by number name (`duration_weeks`); present only when the text states one.
    public var numbers: [String: CodedNumber]
    /// The texts a human coder should look at (see ``ReviewItem``), in field then source order.
    public var review: [ReviewItem]

    public init(codebookVersion: String, fields: [String: CodedField], numbers: [String: CodedNumber], review: [ReviewItem] = []) {
        self.codebookVersion = codebookVersion
        self.fields = fields
        self.numbers = numbers
        self.review = review
    }
}

/// A validated submission with its coding: the value the aggregator counts.
public struct CodedSubmission: Sendable, Hashable {
    public var submission: Submission
    public var coding: CodingResult

    public init(submission: Submission, coding: CodingResult) {
        self.submission = submission
        self.coding = coding
    }
}
