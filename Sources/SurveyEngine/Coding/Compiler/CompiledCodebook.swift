/// A codebook compiled for matching: one lexicon, and per field one trie with everything the
/// per-text analysis needs as plain indices. Built once by ``CodebookCompiler``.
///
/// Classes, so coding borrows the compiled data instead of copying (and reference-counting)
/// its arrays; hot arrays hold only plain values.
final class CompiledCodebook: Sendable {
    let version: String
    let lexicon: Lexicon
    let fields: [FieldProgram]
    /// Marks that end a sentence (phrases never span them; negation scopes stop at them).
    let breaks: Marks
    /// Per lexicon id: whether the word ends a forward / backward negation scope.
    let forwardStops: [Bool]
    let backwardStops: [Bool]
    /// A code whose best rule confidence is below this goes to review.
    let minConfidence: Double
    /// Marks that end a clause (the sentence breaks and `review.clause_breaks`).
    let clauseBreaks: Marks
    /// The highest confidence of a code matched through a misspelling, or in a sentence with a scope cue.
    let misspellingConfidence: Double
    let scopedSentenceConfidence: Double
    /// The highest confidence of a code found in one sentence with a code it is confused with.
    let confusedConfidence: Double
    /// `review.cancelled_beside_code` and `review.uncoded_text_without_vocabulary`.
    let cancelledBesideCode: Bool
    let uncodedTextWithoutVocabulary: Bool
    /// The Snowball algorithm that stems text words, or `nil` when no codebook word is matched by stem.
    let stemming: String?
    /// The review queue's second opinion (`review.second_opinion`), or `nil`.
    let secondOpinion: CompiledSecondOpinion?

    init(
        version: String,
        lexicon: Lexicon,
        fields: [FieldProgram],
        breaks: Marks,
        forwardStops: [Bool],
        backwardStops: [Bool],
        minConfidence: Double,
        clauseBreaks: Marks,
        misspellingConfidence: Double,
        scopedSentenceConfidence: Double,
        confusedConfidence: Double,
        cancelledBesideCode: Bool,
        uncodedTextWithoutVocabulary: Bool,
        stemming: String?,
        secondOpinion: CompiledSecondOpinion?
    ) {
        self.secondOpinion = secondOpinion
        self.cancelledBesideCode = cancelledBesideCode
        self.confusedConfidence = confusedConfidence
        self.uncodedTextWithoutVocabulary = uncodedTextWithoutVocabulary
        self.version = version
        self.lexicon = lexicon
        self.fields = fields
        self.breaks = breaks
        self.forwardStops = forwardStops
        self.backwardStops = backwardStops
        self.minConfidence = minConfidence
        self.clauseBreaks = clauseBreaks
        self.misspellingConfidence = misspellingConfidence
        self.scopedSentenceConfidence = scopedSentenceConfidence
        self.stemming = stemming
    }

    /// The index of the field called `name`.
    func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// One coded field, compiled.
final class FieldProgram: Sendable {
    /// A declarative rule's threshold and label indices.
    struct Implied: Sendable {
        var atLeast: Int
        var of: [Int32]
    }

    /// A negation cue; `until` indexes ``FieldProgram/untilWords``.
    struct Cue: Sendable {
        var id: String
        var kind: Codebook.ScopeKind
        var forward: Bool
        var backward: Bool
        var window: Int32
        var untilStart: Int32
        var untilEnd: Int32
    }

    /// What a trie terminal stands for.
    struct Entry: Sendable {
        enum Kind: UInt8, Sendable {
            /// `target` = rule index.
            case rule
            /// `target` = label index whose matches it cancels.
            case exclusion
            /// `target` = cue index.
            case cue
            /// A phrase that contains a cue but does not negate.
            case pseudo
            /// `target` = concept slot of the field (a concept a `together` rule needs).
            case concept
            /// `target` = number index: a phrase that may not come right before the number.
            case numberBefore
            /// `target` = number index: a phrase that may not come right after the unit.
            case numberAfter
            /// `target` = number index: a phrase after which an article before a unit is one unit.
            case numberArticle
            /// A `review.doubt_phrases` phrase: puts the codes of its sentence in doubt.
            case doubt
            /// A `review.empty_answers` phrase: says the answer has nothing to code.
            case empty
        }

        var kind: Kind
        var target: Int32
        /// Index into ``FieldProgram/exactCases`` for a case-sensitive abbreviation, else -1.
        var exactCase: Int32
    }

    /// A number rule.
    struct Number: Sendable {
        var name: String
        var ruleID: String
        /// Unit word id → factor.
        var units: [Int32: Double]
        /// Whether a hyphen or dash joins a range ("8-12 weeks").
        var hyphenJoins: Bool
        /// Word ids that join a range ("to", "and").
        var joiners: [Int32]
        /// `nil`: no ranges.
        var take: Codebook.RangeRule.Take?
        /// Word ids that join phases whose quantities add up ("then", "plus").
        var phaseJoiners: [Int32]
        /// Word ids of articles that are one unit after a ``Entry/Kind/numberArticle`` phrase.
        var articleWords: [Int32]
        /// Word ids that add half a unit after the unit word ("and a half").
        var halfWords: [Int32]
        var round: Bool
        var min: Double
        var max: Double
    }

    let name: String
    let sources: [SourcePath]
    /// Code names and whether each is reported, by label index.
    let labelNames: [String]
    let labelReported: [Bool]
    /// Per label, the labels coders confuse it with (empty for most).
    let confused: [[Int32]]
    /// Rule ids and the label each assigns, by rule index.
    let ruleIDs: [String]
    let ruleLabels: [Int32]
    /// Each rule's confidence, by rule index.
    let ruleConfidence: [Double]
    /// Whether each rule only suggests its code (never codes; sends the text to review).
    let ruleReviewOnly: [Bool]
    /// Per rule, the labels it yields to (`yields_to`): in their sentence its match only suggests its code.
    let ruleYields: [[Int32]]
    /// Whether any rule yields to another code.
    let yields: Bool
    /// Rules with an implication, in codebook order.
    let implied: [(rule: Int32, implication: Implied)]
    /// Co-occurrence rules: every concept slot listed must be mentioned in one sentence.
    let together: [(rule: Int32, concepts: [Int32])]
    let cues: [Cue]
    let untilWords: [Int32]
    let entries: [Entry]
    /// Exact bytes of each word of a case-sensitive abbreviation.
    let exactCases: [[[UInt8]]]
    let numbers: [Number]
    let trie: PhraseTrie
    /// Reported labels, sorted by code name (the order of `CodedField.codes`).
    let reportOrder: [Int32]
    /// The field's vocabulary: by lexicon id, whether the word is a word of the field's rules or
    /// concepts (not a `review.common_words` word); by stem id, whether such a word has that stem.
    /// A coded text's clause that uses it but matches no rule goes to review.
    let vocabulary: [Bool]
    let vocabularyStems: [Bool]
    /// Whether a number is vocabulary too (`review.number_fields`).
    let numbersAreVocabulary: Bool
    /// Whether coded texts are checked for uncoded clauses (`review.clause_fields`).
    let checksClauses: Bool

    init(
        name: String,
        sources: [SourcePath],
        labelNames: [String],
        labelReported: [Bool],
        confused: [[Int32]],
        ruleIDs: [String],
        ruleLabels: [Int32],
        ruleConfidence: [Double],
        ruleReviewOnly: [Bool],
        ruleYields: [[Int32]],
        implied: [(rule: Int32, implication: Implied)],
        together: [(rule: Int32, concepts: [Int32])],
        cues: [Cue],
        untilWords: [Int32],
        entries: [Entry],
        exactCases: [[[UInt8]]],
        numbers: [Number],
        trie: PhraseTrie,
        vocabulary: [Bool],
        vocabularyStems: [Bool],
        numbersAreVocabulary: Bool,
        checksClauses: Bool
    ) {
        self.name = name
        self.sources = sources
        self.labelNames = labelNames
        self.labelReported = labelReported
        self.confused = confused
        self.ruleIDs = ruleIDs
        self.ruleLabels = ruleLabels
        self.ruleConfidence = ruleConfidence
        self.ruleReviewOnly = ruleReviewOnly
        self.ruleYields = ruleYields
        self.yields = ruleYields.contains { !$0.isEmpty }
        self.implied = implied
        self.together = together
        self.cues = cues
        self.untilWords = untilWords
        self.entries = entries
        self.exactCases = exactCases
        self.numbers = numbers
        self.trie = trie
        self.vocabulary = vocabulary
        self.vocabularyStems = vocabularyStems
        self.numbersAreVocabulary = numbersAreVocabulary
        self.checksClauses = checksClauses
        self.reportOrder = labelNames.indices.filter { labelReported[$0] }.sorted { labelNames[$0] < labelNames[$1] }.map { Int32($0) }
    }
}
