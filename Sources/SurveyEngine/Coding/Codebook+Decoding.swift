import Foundation

// Decoding of the YAML codebook. Every section rejects keys it does not know, so that a typo
// such as `phrase:` for `phrases:` is an error with a suggestion, never a silently empty rule.

/// A problem found while decoding a codebook, with the place it was found.
struct CodebookProblem: Error {
    var message: String

    init(_ message: String) { self.message = message }

    init(at path: [any CodingKey], _ message: String) {
        let place = Self.place(path)
        self.message = place.isEmpty ? message : "at \(place): \(message)"
    }

    /// `fields[0].codes[2].rules` from a coding path.
    static func place(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    /// "a list", "a string", … for a Swift type in a decoding error.
    static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [String].Type: return "a list of strings"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a mapping" }
            return "a mapping (\(name))"
        }
    }
}

extension Decoder {
    /// Throws when the mapping being decoded has a key outside `Keys`, suggesting the nearest one.
    fileprivate func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type, in what: String) throws {
        let present = try container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        let known = Keys.allCases.map(\.stringValue)
        for key in present where !known.contains(key) {
            var message = "unknown key '\(key)' in \(what)"
            if let nearest = Spelling.closest(to: key, in: known) { message += " (did you mean '\(nearest)'?)" }
            message += "; known keys: \(known.joined(separator: ", "))"
            throw CodebookProblem(at: codingPath, message)
        }
    }
}

extension KeyedDecodingContainer {
    fileprivate func list<T: Decodable>(_ key: Key) throws -> [T] {
        try decodeIfPresent([T].self, forKey: key) ?? []
    }
}

extension Codebook: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case survey, version, description, text
        case numberWords = "number_words"
        case negation, concepts, abbreviations, review, fields
    }

    /// Decodes the YAML layout documented in `Schemas/CODEBOOK.md`.
    ///
    /// Every key outside the documented ones is rejected with the nearest known key suggested.
    /// `survey`, `version` and `fields` are required; every other section takes its default when absent.
    /// Only the shape is checked here: names, references and phrase syntax are checked by ``validate()``.
    /// - Parameter decoder: A decoder positioned at the codebook's top-level mapping (Yams' `YAMLDecoder`
    ///   in practice).
    /// - Throws: a decoding problem naming the place and the unknown, missing or mistyped key.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "the codebook")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let version = try c.decodeIfPresent(String.self, forKey: .version) else {
            throw CodebookProblem("the key 'version' is required: add e.g. version: \"1.0.0\" and change it with every rule change")
        }
        self.init(
            survey: try c.decode(String.self, forKey: .survey),
            version: version,
            description: try c.decodeIfPresent(String.self, forKey: .description),
            text: try c.decodeIfPresent(TextSettings.self, forKey: .text) ?? TextSettings(),
            numberWords: try c.decodeIfPresent([String: Double].self, forKey: .numberWords) ?? [:],
            negation: try c.decodeIfPresent(Negation.self, forKey: .negation) ?? Negation(),
            concepts: try c.decodeIfPresent([String: [String]].self, forKey: .concepts) ?? [:],
            abbreviations: try c.decodeIfPresent([String: String].self, forKey: .abbreviations) ?? [:],
            review: try c.decodeIfPresent(ReviewSettings.self, forKey: .review) ?? ReviewSettings(),
            fields: try c.decode([Field].self, forKey: .fields)
        )
    }
}

extension Codebook.TextSettings: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case sentenceBreaks = "sentence_breaks"
        case tolerance
        case sameFirstLetter = "same_first_letter"
        case joinHyphenated = "join_hyphenated"
        case stemming
    }

    /// Decodes `text:`; absent keys take their defaults.
    /// - Parameter decoder: A decoder positioned at the `text:` mapping; its keys are `sentence_breaks`,
    ///   `tolerance`, `same_first_letter`, `join_hyphenated` and `stemming`.
    /// - Throws: a decoding problem for unknown keys or wrong types.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "text")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        self.init(
            sentenceBreaks: try c.decodeIfPresent([String].self, forKey: .sentenceBreaks) ?? defaults.sentenceBreaks,
            tolerance: try c.decodeIfPresent([Codebook.Tolerance].self, forKey: .tolerance) ?? defaults.tolerance,
            sameFirstLetter: try c.decodeIfPresent(Bool.self, forKey: .sameFirstLetter) ?? defaults.sameFirstLetter,
            joinHyphenated: try c.decodeIfPresent(Bool.self, forKey: .joinHyphenated) ?? defaults.joinHyphenated,
            stemming: try c.decodeIfPresent(String.self, forKey: .stemming) ?? defaults.stemming
        )
    }
}

extension Codebook.Tolerance: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case minLength = "min_length"
        case maxEdits = "max_edits"
    }

    /// Decodes one tolerance tier.
    /// - Parameter decoder: A decoder positioned at one element of `text.tolerance`, a mapping with
    ///   both `min_length` and `max_edits` as whole numbers (their ranges are checked at compile time).
    /// - Throws: a decoding problem for unknown or missing keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a tolerance tier")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(minLength: try c.decode(Int.self, forKey: .minLength), maxEdits: try c.decode(Int.self, forKey: .maxEdits))
    }
}

extension Codebook.Negation: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case window
        case forwardStops = "forward_stops"
        case backwardStops = "backward_stops"
        case pseudo, cues
    }

    /// Decodes `negation:`.
    /// - Parameter decoder: A decoder positioned at the `negation:` mapping; an absent `window` is 6 and
    ///   absent lists (`forward_stops`, `backward_stops`, `pseudo`, `cues`) are empty.
    /// - Throws: a decoding problem for unknown keys or wrong types.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "negation")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            window: try c.decodeIfPresent(Int.self, forKey: .window) ?? 6,
            forwardStops: try c.list(.forwardStops),
            backwardStops: try c.list(.backwardStops),
            pseudo: try c.list(.pseudo),
            cues: try c.list(.cues)
        )
    }
}

extension Codebook.Cue: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case id, direction, window, phrases, fields, until, kind
    }

    /// Decodes one negation cue.
    /// - Parameter decoder: A decoder positioned at one element of `negation.cues`; `direction` is
    ///   `forward`, `backward` or `both` (default `forward`), `kind` a ``Codebook/ScopeKind`` raw value
    ///   (default `negation`), and an absent `window` means the negation section's window.
    /// - Throws: a decoding problem for unknown keys, a missing id or an unknown direction.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a negation cue")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(String.self, forKey: .id)
        var direction = Codebook.Direction.forward
        if let text = try c.decodeIfPresent(String.self, forKey: .direction) {
            guard let parsed = Codebook.Direction(rawValue: text) else {
                throw CodebookProblem(at: c.codingPath, "negation cue \(id): direction '\(text)' is not one of forward, backward, both")
            }
            direction = parsed
        }
        var kind = Codebook.ScopeKind.negation
        if let text = try c.decodeIfPresent(String.self, forKey: .kind) {
            guard let parsed = Codebook.ScopeKind(rawValue: text) else {
                throw CodebookProblem(
                    at: c.codingPath,
                    "negation cue \(id): kind '\(text)' is not one of "
                        + Codebook.ScopeKind.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            kind = parsed
        }
        self.init(
            id: id,
            direction: direction,
            window: try c.decodeIfPresent(Int.self, forKey: .window),
            phrases: try c.list(.phrases),
            fields: try c.decodeIfPresent([String].self, forKey: .fields),
            until: try c.list(.until),
            kind: kind
        )
    }
}

extension Codebook.Field: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, label, sources, codes, numbers
    }

    /// Decodes one field.
    /// - Parameter decoder: A decoder positioned at one element of `fields`; `name`, `sources` and
    ///   `codes` are required, `label` and `numbers` optional.
    /// - Throws: a decoding problem for unknown keys or a missing name, sources or codes.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a field")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            label: try c.decodeIfPresent(String.self, forKey: .label),
            sources: try c.decode([String].self, forKey: .sources),
            codes: try c.decode([Codebook.Code].self, forKey: .codes),
            numbers: try c.list(.numbers)
        )
    }
}

extension Codebook.Code: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case code, label, description, report, rules, exclude
        case confusedWith = "confused_with"
    }

    /// Decodes one code.
    /// - Parameter decoder: A decoder positioned at one element of a field's `codes`; absent `report`
    ///   is `true`, absent `rules` and `exclude` are empty (a code without rules fails validation later).
    /// - Throws: a decoding problem for unknown keys or a missing `code`.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a code")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try c.decode(String.self, forKey: .code),
            label: try c.decodeIfPresent(String.self, forKey: .label),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            report: try c.decodeIfPresent(Bool.self, forKey: .report) ?? true,
            rules: try c.list(.rules),
            exclude: try c.list(.exclude),
            confusedWith: try c.list(.confusedWith)
        )
    }
}

extension Codebook.Rule: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case id, phrases, misspellings, abbreviations
        case caseSensitive = "case_sensitive"
        case fuzzy
        case impliedBy = "implied_by"
        case together, stem, confidence
        case reviewOnly = "review_only"
        case yieldsTo = "yields_to"
    }

    /// Decodes one rule.
    /// - Parameter decoder: A decoder positioned at one element of a code's `rules`; absent keys take
    ///   the defaults of ``init(id:phrases:misspellings:abbreviations:caseSensitive:fuzzy:impliedBy:together:stem:confidence:reviewOnly:yieldsTo:)``.
    /// - Throws: a decoding problem for unknown keys or a missing id.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a rule")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            phrases: try c.list(.phrases),
            misspellings: try c.list(.misspellings),
            abbreviations: try c.list(.abbreviations),
            caseSensitive: try c.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false,
            fuzzy: try c.decodeIfPresent(Bool.self, forKey: .fuzzy) ?? true,
            impliedBy: try c.decodeIfPresent(Codebook.Implication.self, forKey: .impliedBy),
            together: try c.list(.together),
            stem: try c.decodeIfPresent(Bool.self, forKey: .stem) ?? false,
            confidence: try c.decodeIfPresent(Double.self, forKey: .confidence) ?? 1,
            reviewOnly: try c.decodeIfPresent(Bool.self, forKey: .reviewOnly) ?? false,
            yieldsTo: try c.list(.yieldsTo)
        )
    }
}

extension Codebook.Implication: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case atLeast = "at_least"
        case of
    }

    /// Decodes `implied_by: {at_least: N, of: [...]}`.
    /// - Parameter decoder: A decoder positioned at a rule's `implied_by` mapping; both `at_least`
    ///   (a whole number) and `of` (code names) are required.
    /// - Throws: a decoding problem for unknown or missing keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "implied_by")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(atLeast: try c.decode(Int.self, forKey: .atLeast), of: try c.decode([String].self, forKey: .of))
    }
}

extension Codebook.NumberRule: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, id, units, range, round, min, max
        case notPrecededBy = "not_preceded_by"
        case notFollowedBy = "not_followed_by"
        case phaseJoiners = "phase_joiners"
        case article
    }

    /// Decodes one number rule.
    /// - Parameter decoder: A decoder positioned at one element of a field's `numbers`; absent `round`
    ///   is `true`, absent `min`/`max` leave the value unbounded, absent lists are empty.
    /// - Throws: a decoding problem for unknown keys or a missing name, id or units.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a number rule")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            id: try c.decode(String.self, forKey: .id),
            units: try c.decode([Codebook.Unit].self, forKey: .units),
            range: try c.decodeIfPresent(Codebook.RangeRule.self, forKey: .range),
            round: try c.decodeIfPresent(Bool.self, forKey: .round) ?? true,
            min: try c.decodeIfPresent(Double.self, forKey: .min),
            max: try c.decodeIfPresent(Double.self, forKey: .max),
            notPrecededBy: try c.list(.notPrecededBy),
            notFollowedBy: try c.list(.notFollowedBy),
            phaseJoiners: try c.list(.phaseJoiners),
            article: try c.decodeIfPresent(Codebook.ArticleRule.self, forKey: .article)
        )
    }
}

extension Codebook.ArticleRule: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case words, after, half
    }

    /// Decodes `article: {words: [a, an], after: [up to, lasts], half: [and, a, half]}`.
    /// - Parameter decoder: A decoder positioned at a number rule's `article` mapping; `words` and
    ///   `after` are required, `half` may be absent.
    /// - Throws: a decoding problem for unknown keys or a missing list.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "article")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(words: try c.decode([String].self, forKey: .words), after: try c.decode([String].self, forKey: .after), half: try c.list(.half))
    }
}

extension Codebook.Unit: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case words, factor
    }

    /// Decodes a unit; `factor` is a number or a fraction string such as `"52/12"`.
    /// - Parameter decoder: A decoder positioned at one element of a number rule's `units`; `words` is
    ///   required, and `factor` is a number or a string `"a/b"` with a non-zero divisor, e.g. `"52/12"`.
    /// - Throws: a decoding problem for unknown keys or a factor that is not a positive number.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "a unit")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let words = try c.decode([String].self, forKey: .words)
        let factor: Double
        if let number = try? c.decode(Double.self, forKey: .factor) {
            factor = number
        } else {
            let text = try c.decode(String.self, forKey: .factor)
            let parts = text.split(separator: "/").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let top = parts[0], let bottom = parts[1], bottom != 0 else {
                throw CodebookProblem(at: c.codingPath, "unit factor '\(text)' must be a number or a fraction like \"52/12\"")
            }
            factor = top / bottom
        }
        guard factor > 0, factor.isFinite else {
            throw CodebookProblem(at: c.codingPath, "unit factor must be a positive number")
        }
        self.init(words: words, factor: factor)
    }
}

extension Codebook.RangeRule: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case joiners, take
    }

    /// Decodes `range: {joiners: [...], take: midpoint}`.
    /// - Parameter decoder: A decoder positioned at a number rule's `range` mapping; `joiners` is
    ///   required and `take` is `low`, `high` or `midpoint` (default `midpoint`).
    /// - Throws: a decoding problem for unknown keys or an unknown `take`.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "range")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var take = Take.midpoint
        if let text = try c.decodeIfPresent(String.self, forKey: .take) {
            guard let parsed = Take(rawValue: text) else {
                throw CodebookProblem(at: c.codingPath, "range take '\(text)' is not one of low, high, midpoint")
            }
            take = parsed
        }
        self.init(joiners: try c.decode([String].self, forKey: .joiners), take: take)
    }
}

extension Codebook.ReviewSettings: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case minConfidence = "min_confidence"
        case clauseFields = "clause_fields"
        case clauseBreaks = "clause_breaks"
        case commonWords = "common_words"
        case numberFields = "number_fields"
        case misspellingConfidence = "misspelling_confidence"
        case scopedSentenceConfidence = "scoped_sentence_confidence"
        case doubtPhrases = "doubt_phrases"
        case emptyAnswers = "empty_answers"
        case confusedConfidence = "confused_confidence"
        case cancelledBesideCode = "cancelled_beside_code"
        case uncodedTextWithoutVocabulary = "uncoded_text_without_vocabulary"
        case secondOpinion = "second_opinion"
        case secondOpinionMargin = "second_opinion_margin"
    }

    /// Decodes `review: {min_confidence: 0.8, clause_fields: […], clause_breaks: [","], common_words: […],
    /// number_fields: […], misspelling_confidence: 0.7, scoped_sentence_confidence: 0.7, confused_confidence: 0.7,
    /// doubt_phrases: […], empty_answers: […], cancelled_beside_code: false, uncoded_text_without_vocabulary: false,
    /// second_opinion: second-opinion.json, second_opinion_margin: 0.1}`.
    /// - Parameter decoder: A decoder positioned at the `review:` mapping; absent keys take the
    ///   defaults of the memberwise ``Codebook/ReviewSettings`` initializer.
    /// - Throws: a decoding problem for unknown keys or wrong types.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, in: "review")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        self.init(
            minConfidence: try c.decodeIfPresent(Double.self, forKey: .minConfidence) ?? defaults.minConfidence,
            clauseFields: try c.decodeIfPresent([String].self, forKey: .clauseFields) ?? [],
            clauseBreaks: try c.decodeIfPresent([String].self, forKey: .clauseBreaks) ?? [],
            commonWords: try c.decodeIfPresent([String].self, forKey: .commonWords) ?? [],
            numberFields: try c.decodeIfPresent([String].self, forKey: .numberFields) ?? [],
            misspellingConfidence: try c.decodeIfPresent(Double.self, forKey: .misspellingConfidence) ?? 1,
            scopedSentenceConfidence: try c.decodeIfPresent(Double.self, forKey: .scopedSentenceConfidence) ?? 1,
            doubtPhrases: try c.decodeIfPresent([String].self, forKey: .doubtPhrases) ?? [],
            confusedConfidence: try c.decodeIfPresent(Double.self, forKey: .confusedConfidence) ?? 1,
            emptyAnswers: try c.decodeIfPresent([String].self, forKey: .emptyAnswers) ?? [],
            cancelledBesideCode: try c.decodeIfPresent(Bool.self, forKey: .cancelledBesideCode) ?? defaults.cancelledBesideCode,
            uncodedTextWithoutVocabulary: try c.decodeIfPresent(Bool.self, forKey: .uncodedTextWithoutVocabulary)
                ?? defaults.uncodedTextWithoutVocabulary,
            secondOpinion: try c.decodeIfPresent(String.self, forKey: .secondOpinion),
            secondOpinionMargin: try c.decodeIfPresent(Double.self, forKey: .secondOpinionMargin) ?? defaults.secondOpinionMargin
        )
    }
}
