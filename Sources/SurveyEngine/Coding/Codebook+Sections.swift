extension Codebook {
    /// How text is cut into words, and how tolerant word matching is.
    public struct TextSettings: Sendable, Hashable {
        /// Punctuation that ends a sentence: a phrase never spans it and a negation scope stops at it.
        /// Names: `.` `,` `;` `:` `!` `?` `-` `(` `)` `/` `&` `+` `"` and `newline` (also bullets).
        /// Default: `.`, `!`, `?`, `;`, `newline`.
        public var sentenceBreaks: [String]
        /// Misspelling tolerance by word length: a phrase word at least `minLength` letters long
        /// also matches a text word within `maxEdits` edits (insert, delete, substitute, or swap
        /// two neighbouring letters). The tier with the largest `minLength` that fits applies.
        /// Default: one tier, 6 letters, 1 edit.
        public var tolerance: [Tolerance]
        /// Whether a tolerated misspelling must keep the first letter (keeps matching fast and
        /// avoids most false friends). Default: `true`.
        public var sameFirstLetter: Bool
        /// Whether a phrase written with a hyphen ("multi-agency") also matches the joined word
        /// ("multiagency"). Text hyphens always match spaces. Default: `true`.
        public var joinHyphenated: Bool
        /// The Snowball algorithm (`english`) whose stems concept words and `stem: true` rules
        /// match: "preventative" matches the concept word "prevention". Default: `english`.
        public var stemming: String

        /// Creates text settings; every parameter has the documented default.
        ///
        /// Nothing is checked here; ``Codebook/validate()`` rejects unknown break names, tolerance tiers
        /// outside the allowed ranges and unknown stemming algorithms.
        /// - Parameters:
        ///   - sentenceBreaks: Names of the marks that end a sentence: `.` `,` `;` `:` `!` `?` `-` `(` `)`
        ///     `/` `&` `+` `"` or `newline`. Default: `.`, `!`, `?`, `;`, `newline`.
        ///   - tolerance: Misspelling tiers; for each phrase word the tier with the largest `minLength` it
        ///     reaches applies, and shorter words must match exactly. Default: one tier, 6 letters, 1 edit.
        ///   - sameFirstLetter: Whether a tolerated misspelling must keep the phrase word's first letter.
        ///     Default: `true`.
        ///   - joinHyphenated: Whether a hyphenated phrase word also matches the joined word. Default: `true`.
        ///   - stemming: The name of the Snowball algorithm for stem matching, as libstemmer knows it.
        ///     Default: `english`.
        public init(
            sentenceBreaks: [String] = [".", "!", "?", ";", "newline"],
            tolerance: [Tolerance] = [Tolerance(minLength: 6, maxEdits: 1)],
            sameFirstLetter: Bool = true,
            joinHyphenated: Bool = true,
            stemming: String = "english"
        ) {
            self.sentenceBreaks = sentenceBreaks
            self.tolerance = tolerance
            self.sameFirstLetter = sameFirstLetter
            self.joinHyphenated = joinHyphenated
            self.stemming = stemming
        }
    }

    /// One misspelling tolerance tier (see ``TextSettings/tolerance``).
    public struct Tolerance: Sendable, Hashable {
        /// Phrase words at least this many letters long get this tolerance.
        public var minLength: Int
        /// How many edits (1...3) such a word may be away from the text word.
        public var maxEdits: Int

        /// Creates a tier.
        /// - Parameters:
        ///   - minLength: The shortest phrase word, in letters, the tier applies to; validation requires at
        ///     least `maxEdits + 3`, so short words are never confused.
        ///   - maxEdits: How many edits (insert, delete, substitute, swap neighbours) a text word may be
        ///     from the phrase word: 1, 2 or 3.
        public init(minLength: Int, maxEdits: Int) {
            self.minLength = minLength
            self.maxEdits = maxEdits
        }
    }

    /// Negation: cues that cancel a code mentioned inside their scope.
    public struct Negation: Sendable, Hashable {
        /// How many words a cue reaches when it does not say. Default: 6.
        public var window: Int
        /// Words that end a forward scope early ("now", "but", "we"). Default: none.
        public var forwardStops: [String]
        /// Words that end a backward scope early. Default: none.
        public var backwardStops: [String]
        /// Phrases that contain a cue but do not negate ("not only", "no wrong door"):
        /// a cue inside one of them is ignored. Default: none.
        public var pseudo: [String]
        /// The cues. Default: none.
        public var cues: [Cue]

        /// Creates negation settings; every parameter has the documented default.
        /// - Parameters:
        ///   - window: How many words a cue reaches when the cue sets no window of its own; validation
        ///     requires 1...30. Default: 6.
        ///   - forwardStops: Words that end every forward scope early ("but", "now"). Default: none.
        ///   - backwardStops: Words that end every backward scope early. Default: none.
        ///   - pseudo: Phrases that contain a cue word but do not negate ("not only"); a cue inside one is
        ///     ignored. Default: none.
        ///   - cues: The negation and scope cues. Default: none, so nothing is ever cancelled.
        public init(
            window: Int = 6,
            forwardStops: [String] = [],
            backwardStops: [String] = [],
            pseudo: [String] = [],
            cues: [Cue] = []
        ) {
            self.window = window
            self.forwardStops = forwardStops
            self.backwardStops = backwardStops
            self.pseudo = pseudo
            self.cues = cues
        }
    }

    /// Which way a negation cue reaches.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// The words after the cue ("no longer use Signs of Safety").
        case forward
        /// The words before the cue, back to the sentence start ("Signs of Safety was discontinued").
        case backward
        /// Both ways.
        case both
    }

    /// One negation cue.
    public struct Cue: Sendable, Hashable {
        /// Rule id, unique in the codebook, e.g. `neg.no_longer`.
        public var id: String
        /// Which way the scope reaches. Default: `forward`.
        public var direction: Direction
        /// How many words the scope reaches; `nil` = ``Negation/window``.
        public var window: Int?
        /// The cue phrases (same syntax as rule phrases).
        public var phrases: [String]
        /// Only these coded fields use the cue; `nil` = every field. Default: `nil`.
        public var fields: [String]?
        /// Extra words that end this cue's forward scope ("replaced X *with* Y"). Default: none.
        public var until: [String]
        /// What the cue says about what it covers, reported with a cancelled code. Default: `negation`.
        public var kind: ScopeKind

        /// Creates a cue.
        /// - Parameters:
        ///   - id: The rule id, unique among all rule and cue ids, reported when the cue cancels a code.
        ///   - direction: Which way the scope reaches from the cue. Default: `.forward`.
        ///   - window: How many words the scope reaches (1...30). Default: `nil`, the ``Negation/window``.
        ///   - phrases: The cue phrases, in rule phrase syntax; at least one is required.
        ///   - fields: The coded fields that use the cue, which must be declared fields. Default: `nil`, every field.
        ///   - until: Extra words that end only this cue's forward scope. Default: none.
        ///   - kind: What the cue says about the codes it cancels, reported with them. Default: `.negation`.
        public init(
            id: String,
            direction: Direction = .forward,
            window: Int? = nil,
            phrases: [String],
            fields: [String]? = nil,
            until: [String] = [],
            kind: ScopeKind = .negation
        ) {
            self.id = id
            self.direction = direction
            self.window = window
            self.phrases = phrases
            self.fields = fields
            self.until = until
            self.kind = kind
        }
    }

    /// What a scope cue says about the codes it cancels: only current practice is coded.
    public enum ScopeKind: String, Sendable, Hashable, CaseIterable, Codable {
        /// "not", "no", "rather than": the code does not apply.
        case negation
        /// "previously", "used to": no longer current.
        case past
        /// "moved away from", "stopped", "discontinued": given up.
        case abandoned
        /// "considered … but chose", "decided against": never adopted.
        case rejected
        /// "plan to", "will be": not yet in place.
        case future
    }

    /// When a coded text goes to the review queue besides "answered, no code" and "a code was cancelled".
    public struct ReviewSettings: Sendable, Hashable {
        /// A code whose best rule confidence is below this goes to review. Default: 0.8.
        public var minConfidence: Double
        /// Fields whose coded texts go to review when a clause matches no rule but uses the field's
        /// vocabulary (`uncoded_clause`). Default: none.
        public var clauseFields: [String]
        /// Marks that end a clause, besides the sentence breaks (names as in `text.sentence_breaks`,
        /// e.g. `","`). Default: none (clauses are sentences).
        public var clauseBreaks: [String]
        /// Words of rule phrases and concepts that do not make a clause the field's vocabulary
        /// (function words such as "of", "the", "with"). Default: none.
        public var commonWords: [String]
        /// Fields in which a number is vocabulary too (a figure in an evidence answer). Default: none.
        public var numberFields: [String]
        /// A code matched only through a misspelling ("Tripple P") is coded with at most this
        /// confidence. Default: 1 (misspellings are as sure as exact words).
        public var misspellingConfidence: Double
        /// A code matched in a sentence that also holds a negation or scope cue or a ``doubtPhrases``
        /// phrase ("X was trialled in 2015", "neighbours use X") is coded with at most this
        /// confidence. Default: 1.
        public var scopedSentenceConfidence: Double
        /// Phrases (concepts allowed) that put the codes of their sentence in doubt: dates, "trialled",
        /// "neighbouring". Default: none.
        public var doubtPhrases: [String]
        /// A code found in one sentence with a code it is ``Code/confusedWith`` is coded with at most
        /// this confidence. Default: 1.
        public var confusedConfidence: Double
        /// Phrases (concepts allowed) that say an answer has nothing to code: "n/a", "too early to say",
        /// "no formal evaluation yet". An answered text in which no code was found, suggested or
        /// cancelled is settled without a code, and not reviewed, when it holds one of them and no
        /// word outside them is of the field's vocabulary. Default: none.
        public var emptyAnswers: [String]
        /// Whether a text whose found codes are all sure still goes to review for a code that a cue in
        /// it cancelled ("previously X, now Y"). A text in which only cancelled codes were found goes
        /// to review either way. Default: true.
        public var cancelledBesideCode: Bool
        /// Whether an answered text without a code goes to review when another text of its field was
        /// coded (`uncoded_text`) even if it uses none of the field's vocabulary: a second text that
        /// says nothing in the field's words (a fuller description beside the offer point) is then
        /// settled without a code. Default: true.
        public var uncodedTextWithoutVocabulary: Bool
        /// The file of the second opinion (``SecondOpinion``), relative to the codebook's folder:
        /// a text the rules are sure of goes to review when the model reads one of its codes
        /// clearly otherwise. Default: none.
        public var secondOpinion: String?
        /// How far from 0.5 the model's probability must lie to disagree with the rules: a coded
        /// code below `0.5 - margin`, an uncoded one above `0.5 + margin`. Default: 0.1.
        public var secondOpinionMargin: Double

        /// Creates review settings.
        /// - Parameters:
        ///   - minConfidence: The confidence below which a code still gets coded but its text goes
        ///     to review; validation requires a value above 0 and at most 1. Default: 0.8.
        ///   - clauseFields: Fields whose coded texts are checked for uncoded clauses. Default: none.
        ///   - clauseBreaks: Mark names that end a clause besides the sentence breaks. Default: none.
        ///   - commonWords: Words that never count as a field's vocabulary. Default: none.
        ///   - numberFields: Fields whose vocabulary includes numbers. Default: none.
        ///   - misspellingConfidence: The highest confidence of a code matched through a misspelling. Default: 1.
        ///   - scopedSentenceConfidence: The highest confidence of a code matched in a sentence with a cue or
        ///     a doubt phrase. Default: 1.
        ///   - doubtPhrases: Phrases that put the codes of their sentence in doubt. Default: none.
        ///   - confusedConfidence: The highest confidence of a code found beside a code it is confused with. Default: 1.
        ///   - emptyAnswers: Phrases that say an answer has nothing to code. Default: none.
        ///   - cancelledBesideCode: Whether a text with sure codes is reviewed for a cancelled one. Default: true.
        ///   - uncodedTextWithoutVocabulary: Whether a text without a code beside a coded text of its field is
        ///     reviewed when it uses none of the field's vocabulary. Default: true.
        ///   - secondOpinion: The second opinion's model file, relative to the codebook's folder. Default: none.
        ///   - secondOpinionMargin: How far from 0.5 the model must read a code to disagree; at least 0
        ///     and below 0.5. Default: 0.1.
        public init(
            minConfidence: Double = 0.8,
            clauseFields: [String] = [],
            clauseBreaks: [String] = [],
            commonWords: [String] = [],
            numberFields: [String] = [],
            misspellingConfidence: Double = 1,
            scopedSentenceConfidence: Double = 1,
            doubtPhrases: [String] = [],
            confusedConfidence: Double = 1,
            emptyAnswers: [String] = [],
            cancelledBesideCode: Bool = true,
            uncodedTextWithoutVocabulary: Bool = true,
            secondOpinion: String? = nil,
            secondOpinionMargin: Double = 0.1
        ) {
            self.secondOpinion = secondOpinion
            self.secondOpinionMargin = secondOpinionMargin
            self.emptyAnswers = emptyAnswers
            self.confusedConfidence = confusedConfidence
            self.cancelledBesideCode = cancelledBesideCode
            self.uncodedTextWithoutVocabulary = uncodedTextWithoutVocabulary
            self.minConfidence = minConfidence
            self.clauseFields = clauseFields
            self.doubtPhrases = doubtPhrases
            self.clauseBreaks = clauseBreaks
            self.commonWords = commonWords
            self.numberFields = numberFields
            self.misspellingConfidence = misspellingConfidence
            self.scopedSentenceConfidence = scopedSentenceConfidence
        }
    }

    /// A coded field: where its texts come from, its codes and numbers.
    public struct Field: Sendable, Hashable {
        /// Field name reported in tallies, e.g. `whole_system_model`.
        public var name: String
        /// A human label. Default: `nil`.
        public var label: String?
        /// Dotted paths from the submission root (`answers.approaches.whole_system.description`);
        /// a `*` step matches every member of an object (`answers.approaches.*.evidence`).
        /// The field is the union over every source text; it is answered when any source is a
        /// non-blank string.
        public var sources: [String]
        /// The codes, in report order, plus helper codes with `report: false`.
        public var codes: [Code]
        /// Numbers read from the same texts (e.g. `duration_weeks`). Default: none.
        public var numbers: [NumberRule]

        /// Creates a field.
        /// - Parameters:
        ///   - name: The field name reported in tallies: lower-case letters, digits and `_`, starting with a
        ///     letter, unique in the codebook.
        ///   - label: A human label. Default: `nil`.
        ///   - sources: Dotted answer paths from the submission root, `*` matching every member of an object;
        ///     at least one is required.
        ///   - codes: The codes in report order, helper codes included; at least one is required.
        ///   - numbers: Number rules read from the same texts. Default: none.
        public init(name: String, label: String? = nil, sources: [String], codes: [Code], numbers: [NumberRule] = []) {
            self.name = name
            self.label = label
            self.sources = sources
            self.codes = codes
            self.numbers = numbers
        }
    }

    /// One code of a field and how to recognise it.
    public struct Code: Sendable, Hashable {
        /// The code, e.g. `signs_of_safety` (lower case letters, digits and `_`).
        public var code: String
        /// A human label. Default: `nil`.
        public var label: String?
        /// The coding instruction a human coder would follow. Default: `nil`.
        public var description: String?
        /// `false` for a helper code that only feeds `implied_by` rules and is never reported
        /// (e.g. the named practice models counted by `multi_model`). Default: `true`.
        public var report: Bool
        /// The matching rules; any one that fires assigns the code.
        public var rules: [Rule]
        /// Phrases that look like the code but are not it: a match of this code that overlaps
        /// one of them is dropped ("children and young people" is not an adolescent service).
        /// Default: none.
        public var exclude: [String]
        /// Codes of the same field that human coders confuse with this one: found in one sentence
        /// with one of them, this code is coded with at most `review.confused_confidence` ("LAC
        /// numbers fell from 420 to 355 since the model started" may be performance data, a
        /// before-and-after comparison, or both). Default: none.
        public var confusedWith: [String]

        /// Creates a code.
        /// - Parameters:
        ///   - code: The code: lower-case letters, digits and `_`, starting with a letter, unique in its field.
        ///   - label: A human label. Default: `nil`.
        ///   - description: The coding instruction for human coders; not used in matching. Default: `nil`.
        ///   - report: `false` for a helper code that only feeds `impliedBy` rules and never appears in
        ///     results. Default: `true`.
        ///   - rules: The matching rules, any one of which assigns the code; at least one is required.
        ///   - exclude: Phrases that look like the code but are not it; a match overlapping one is dropped.
        ///     Default: none.
        ///   - confusedWith: Codes of the same field that coders confuse with this one in one sentence. Default: none.
        public init(
            code: String,
            label: String? = nil,
            description: String? = nil,
            report: Bool = true,
            rules: [Rule],
            exclude: [String] = [],
            confusedWith: [String] = []
        ) {
            self.confusedWith = confusedWith
            self.code = code
            self.label = label
            self.description = description
            self.report = report
            self.rules = rules
            self.exclude = exclude
        }
    }

    /// One matching rule; its id is recorded as evidence.
    public struct Rule: Sendable, Hashable {
        /// Rule id, unique in the codebook, e.g. `wsm.sos.phrase`.
        public var id: String
        /// Phrases, matched case-insensitively with misspelling tolerance (see `CODEBOOK.md`
        /// for `~N` gaps, `*` one word, `#lo..hi` numbers). Default: none.
        public var phrases: [String]
        /// Known misspellings, matched like phrases (kept apart so reviewers see them). Default: none.
        public var misspellings: [String]
        /// Abbreviations, matched as whole words without misspelling tolerance. Default: none.
        public var abbreviations: [String]
        /// Whether abbreviations must match letter case exactly (for an abbreviation that is
        /// also an English word, e.g. `MASH`, `FAST`). Default: `false`.
        public var caseSensitive: Bool
        /// Whether phrase words may match misspellings. Default: `true`.
        public var fuzzy: Bool
        /// Assign the code when at least `atLeast` of the listed codes (of the same field,
        /// reported or helper) are found, not negated, in the same text. Default: `nil`.
        public var impliedBy: Implication?
        /// Co-occurrence: the code is assigned when every listed concept is mentioned, not
        /// negated, in one sentence ("a prevention concept and a universality concept"). Default: none.
        public var together: [String]
        /// Whether the rule's phrase words also match other word forms with the same stem
        /// (concept words always do). Default: `false`.
        public var stem: Bool
        /// How sure a match of this rule makes the code, above 0 and at most 1; a code whose
        /// best rule is below ``ReviewSettings/minConfidence`` is coded and goes to review. Default: 1.
        public var confidence: Double
        /// Whether a match only suggests the code: it is not coded, and the text goes to review
        /// with the code as a candidate (a word that is often, but not reliably, the code). Default: `false`.
        public var reviewOnly: Bool
        /// Codes of the same field this rule gives way to: a match in a sentence where one of them is
        /// found only suggests the code for review ("re-referrals fell since the model was introduced"
        /// is a before/after comparison, its figures are not also performance data). Default: none.
        public var yieldsTo: [String]

        /// Creates a rule.
        ///
        /// A rule needs at least one of `phrases`, `misspellings`, `abbreviations`, `impliedBy` or
        /// `together`; ``Codebook/validate()`` rejects one that has none.
        /// - Parameters:
        ///   - id: The rule id recorded as evidence, unique among all rule and cue ids.
        ///   - phrases: Phrases in `CODEBOOK.md` syntax, matched case-insensitively. Default: none.
        ///   - misspellings: Known misspellings, matched like phrases. Default: none.
        ///   - abbreviations: Single words matched whole, without misspelling tolerance. Default: none.
        ///   - caseSensitive: Whether abbreviations must match letter case exactly. Default: `false`.
        ///   - fuzzy: Whether phrase words may match within the misspelling tolerance. Default: `true`.
        ///   - impliedBy: Codes of the same field that imply this one. Default: `nil`.
        ///   - together: Concept names that must all be mentioned, not negated, in one sentence. Default: none.
        ///   - stem: Whether phrase words also match other forms with the same stem. Default: `false`.
        ///   - confidence: How sure a match makes the code, in (0, 1]; below the review threshold the text
        ///     also goes to review. Default: 1.
        ///   - reviewOnly: Whether a match only suggests the code for review instead of coding it.
        ///     Default: `false`.
        ///   - yieldsTo: Codes of the same field in whose sentence a match only suggests the code. Default: none.
        public init(
            id: String,
            phrases: [String] = [],
            misspellings: [String] = [],
            abbreviations: [String] = [],
            caseSensitive: Bool = false,
            fuzzy: Bool = true,
            impliedBy: Implication? = nil,
            together: [String] = [],
            stem: Bool = false,
            confidence: Double = 1,
            reviewOnly: Bool = false,
            yieldsTo: [String] = []
        ) {
            self.id = id
            self.phrases = phrases
            self.misspellings = misspellings
            self.abbreviations = abbreviations
            self.caseSensitive = caseSensitive
            self.fuzzy = fuzzy
            self.impliedBy = impliedBy
            self.together = together
            self.stem = stem
            self.confidence = confidence
            self.reviewOnly = reviewOnly
            self.yieldsTo = yieldsTo
        }
    }

    /// A declarative rule: a code implied by several others (`implied_by: {at_least: 2, of: [...]}`).
    public struct Implication: Sendable, Hashable {
        /// How many distinct listed codes must be present (at least 1, at most `of.count`).
        public var atLeast: Int
        /// Codes of the same field.
        public var of: [String]

        /// Creates an implication.
        /// - Parameters:
        ///   - atLeast: How many distinct codes of `of` must be found, not negated, in the same text;
        ///     validation requires 1 through `of.count`.
        ///   - of: Names of other codes of the same field (reported or helper), each listed once and never
        ///     the implied code itself.
        public init(atLeast: Int, of: [String]) {
            self.atLeast = atLeast
            self.of = of
        }
    }

    /// How a number with a unit is read from text ("12 weeks", "a 12-week programme",
    /// "three months", "8-12 weeks") and converted to one value.
    public struct NumberRule: Sendable, Hashable {
        /// Number name in results and tallies, e.g. `duration_weeks`.
        public var name: String
        /// Rule id recorded as evidence, unique in the codebook.
        public var id: String
        /// Unit words with their factor to the number's unit.
        public var units: [Unit]
        /// How ranges are read. Default: `nil` (no ranges: in "8-12 weeks" only "12 weeks" is read).
        public var range: RangeRule?
        /// Whether to round the converted value to the nearest whole number (halves away from zero).
        /// Default: `true`.
        public var round: Bool
        /// Values outside `min...max` (after conversion) are ignored as implausible. Default: no bounds.
        public var min: Double?
        /// See ``min``.
        public var max: Double?
        /// Phrases that, right before the number, mean it is not this quantity ("every 6 weeks"). Default: none.
        public var notPrecededBy: [String]
        /// Phrases that, right after the unit, mean it is not this quantity ("7 days a week"). Default: none.
        public var notFollowedBy: [String]
        /// Words that join the phases of one intervention ("6 weeks intensive, then 6 weeks lighter
        /// touch"): a quantity that follows such a word in the same sentence, at most
        /// ``phaseWindow`` words after the previous one, is added to it. Default: none (the first
        /// quantity is read alone).
        public var phaseJoiners: [String]
        /// How many words may lie between one phase's quantity and the next: 10.
        public static let phaseWindow = 10
        /// When an article before a unit is one unit ("up to a year", "lasts a year"). Default: `nil`
        /// (a quantity needs a number).
        public var article: ArticleRule?

        /// Creates a number rule.
        /// - Parameters:
        ///   - name: The number's name in results and tallies, unique in the codebook.
        ///   - id: The rule id recorded as evidence, unique in the codebook.
        ///   - units: The unit words and their factors to the number's unit; at least one, and no word in
        ///     two units.
        ///   - range: How ranges such as "8-12 weeks" are read. Default: `nil`, no ranges.
        ///   - round: Whether the converted value is rounded to a whole number, halves away from zero.
        ///     Default: `true`.
        ///   - min: The smallest plausible value after conversion; smaller values are ignored. Default: `nil`.
        ///   - max: The largest plausible value after conversion; larger values are ignored. Default: `nil`.
        ///   - notPrecededBy: Phrases that, right before the number, mean it is another quantity. Default: none.
        ///   - notFollowedBy: Phrases that, right after the unit, mean it is another quantity. Default: none.
        ///   - phaseJoiners: Single words that join successive phases whose quantities add up
        ///     ("then", "plus"). Default: none.
        ///   - article: When "a year" is one year. Default: `nil`, never.
        public init(
            name: String,
            id: String,
            units: [Unit],
            range: RangeRule? = nil,
            round: Bool = true,
            min: Double? = nil,
            max: Double? = nil,
            notPrecededBy: [String] = [],
            notFollowedBy: [String] = [],
            phaseJoiners: [String] = [],
            article: ArticleRule? = nil
        ) {
            self.name = name
            self.id = id
            self.units = units
            self.range = range
            self.round = round
            self.min = min
            self.max = max
            self.notPrecededBy = notPrecededBy
            self.notFollowedBy = notFollowedBy
            self.phaseJoiners = phaseJoiners
            self.article = article
        }
    }

    /// When an article before a unit word counts as one unit: "up to a year" is 52 weeks, but
    /// "visits twice a week" says nothing of a length, so the article counts only right after one
    /// of the `after` phrases.
    public struct ArticleRule: Sendable, Hashable {
        /// Single words that stand for one (`a`, `an`).
        public var words: [String]
        /// Phrases one of which must come right before the article (`up to`, `lasts`, `for`).
        public var after: [String]
        /// Words that add half a unit right after it (`and a half`). Default: none.
        public var half: [String]

        /// Creates an article rule.
        /// - Parameters:
        ///   - words: Single words that stand for one; at least one.
        ///   - after: Phrases that must come right before the article; at least one.
        ///   - half: Words that add half a unit after the unit word ("a year and a half"). Default: none.
        public init(words: [String], after: [String], half: [String] = []) {
            self.words = words
            self.after = after
            self.half = half
        }
    }

    /// Unit words and their conversion factor (`factor: 52/12` for months to weeks).
    public struct Unit: Sendable, Hashable {
        /// Single words, e.g. `month`, `months`, `mths`.
        public var words: [String]
        /// Multiplier to the number's unit; YAML accepts a number or a fraction `"52/12"`.
        public var factor: Double

        /// Creates a unit.
        /// - Parameters:
        ///   - words: Single words that name the unit (`month`, `months`, `mths`); at least one.
        ///   - factor: The multiplier to the number's unit (52/12 for months to weeks); the YAML decoder
        ///     requires it to be positive and finite.
        public init(words: [String], factor: Double) {
            self.words = words
            self.factor = factor
        }
    }

    /// How "8-12 weeks", "8 to 12 weeks" or "6 weeks to 3 months" become one value.
    public struct RangeRule: Sendable, Hashable {
        /// Which value of a range to keep.
        public enum Take: String, Sendable, Hashable, CaseIterable {
            /// The lower bound.
            case low
            /// The upper bound.
            case high
            /// The midpoint of the two bounds (after unit conversion, before rounding).
            case midpoint
        }

        /// Words between the two numbers (`to`, `and`); `-` stands for a hyphen or dash.
        public var joiners: [String]
        /// Which value to keep. Default: `midpoint`.
        public var take: Take

        /// Creates a range rule.
        /// - Parameters:
        ///   - joiners: Words between the two numbers (`to`, `and`), with `-` for a hyphen or dash; at
        ///     least one.
        ///   - take: Which value of the range to keep. Default: `.midpoint`.
        public init(joiners: [String], take: Take = .midpoint) {
            self.joiners = joiners
            self.take = take
        }
    }
}
