/// Why a code was assigned: the codebook rule and the text it matched.
public struct Evidence: Sendable, Hashable, Codable {
    /// The code this evidence supports, e.g. `signs_of_safety`.
    public var code: String
    /// The codebook rule id that fired, e.g. `wsm.sos.abbrev`.
    public var rule: String
    /// Where the text came from, e.g. `answers.approaches.whole_system.description`.
    public var source: String
    /// The matched span as UTF-8 byte offsets into the source text, `start..<end`: `start` is the first byte.
    public var start: Int
    /// The byte offset just past the matched span (`end - start` bytes were matched).
    public var end: Int
    /// The matched text itself, for a reader who does not have the source at hand.
    public var matched: String
    /// The rule's confidence (0 < c ≤ 1; the codebook's `confidence`, 1 unless it says otherwise).
    public var confidence: Double

    /// Creates evidence.
    ///
    /// - Parameters:
    ///   - code: The code this evidence supports.
    ///   - rule: The codebook rule id that fired.
    ///   - source: The dotted path of the source text, e.g. `answers.fgc_offer_point`.
    ///   - start: UTF-8 byte offset of the match's first byte in the source text.
    ///   - end: UTF-8 byte offset just past the match, at least `start`.
    ///   - matched: The matched text, `source[start..<end]`.
    ///   - confidence: The firing rule's confidence, above 0 and at most 1. Default: 1.
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

    /// Creates a field's coding.
    ///
    /// - Parameters:
    ///   - answered: Whether at least one source text of the field was a non-empty answer.
    ///   - codes: The codes assigned; keep them sorted and without repeats, as the coder does (not checked).
    ///   - evidence: At least one piece of evidence per code; empty for gold or generated codings.
    public init(answered: Bool, codes: [String], evidence: [Evidence]) {
        self.answered = answered
        self.codes = codes
        self.evidence = evidence
    }
}

/// A number read out of free text (e.g. `duration_weeks` = 12 from "a 12-week programme").
public struct CodedNumber: Sendable, Hashable, Codable {
    /// The number, in the unit the codebook rule states (e.g. weeks for `duration_weeks`).
    public var value: Double
    /// The rule and text the number was read from.
    public var evidence: Evidence

    /// Creates a coded number.
    ///
    /// - Parameters:
    ///   - value: The number, in the rule's unit.
    ///   - evidence: The rule and text it was read from.
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

    /// Creates a coding result.
    ///
    /// - Parameters:
    ///   - codebookVersion: The `version` of the codebook that produced it (e.g. `1.0.0`).
    ///   - fields: Per coded field name, its coding; the coder fills every declared field, answered or not.
    ///   - numbers: Per number name, the number read; omit a name when the text states none.
    ///   - review: The texts a human coder should look at, in field then source order. Default: none.
    public init(codebookVersion: String, fields: [String: CodedField], numbers: [String: CodedNumber], review: [ReviewItem] = []) {
        self.codebookVersion = codebookVersion
        self.fields = fields
        self.numbers = numbers
        self.review = review
    }
}

/// A validated submission with its coding: the value the aggregator counts.
public struct CodedSubmission: Sendable, Hashable {
    /// The validated submission.
    public var submission: Submission
    /// What the codebook made of its free text.
    public var coding: CodingResult

    /// Pairs a submission with its coding.
    ///
    /// - Parameters:
    ///   - submission: A submission that passed validation.
    ///   - coding: Its coding; for a superseded version or in tests, an empty coding counts no codes.
    public init(submission: Submission, coding: CodingResult) {
        self.submission = submission
        self.coding = coding
    }
}
