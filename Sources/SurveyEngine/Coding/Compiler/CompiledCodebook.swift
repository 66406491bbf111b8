/// A codebook compiled for matching: one lexicon, and per field one trie with everything the
/// per-text analysis needs as plain indices. Built once by ``CodebookCompiler``.
struct CompiledCodebook: Sendable {
    let version: String
    let lexicon: Lexicon
    let fields: [FieldProgram]
    /// Marks that end a sentence (phrases never span them; negation scopes stop at them).
    let breaks: Marks
    /// Per lexicon id: whether the word ends a forward / backward negation scope.
    let forwardStops: [Bool]
    let backwardStops: [Bool]

    /// The index of the field called `name`.
    func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// One coded field, compiled. A class: the coder reads every field of the codebook for every
/// submission, and a struct of a dozen arrays was copied (a dozen retains and releases) each time.
final class FieldProgram: Sendable {
    /// A code (reported or helper).
    struct Label: Sendable {
        var name: String
        var report: Bool
    }

    /// A matching rule; `implied` holds a declarative rule's threshold and label indices.
    struct Rule: Sendable {
        var id: String
        var label: Int32
        var implied: Implied?
    }

    struct Implied: Sendable {
        var atLeast: Int
        var of: [Int32]
    }

    /// A negation cue.
    struct Cue: Sendable {
        var id: String
        var forward: Bool
        var backward: Bool
        var window: Int
        /// Word ids that end this cue's forward scope.
        var until: [Int32]
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
            /// `target` = number index: a phrase that may not come right before the number.
            case numberBefore
            /// `target` = number index: a phrase that may not come right after the unit.
            case numberAfter
        }

        var kind: Kind
        var target: Int32
        /// For a case-sensitive abbreviation: the exact bytes of each word.
        var exactCase: [[UInt8]]?
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
        /// `nil`: no ranges, a range is read as its first quantity.
        var take: Codebook.RangeRule.Take?
        var round: Bool
        var min: Double
        var max: Double
    }

    let name: String
    let sources: [SourcePath]
    let labels: [Label]
    let rules: [Rule]
    /// Rules with an implication, in codebook order.
    let impliedRules: [Int32]
    let cues: [Cue]
    let entries: [Entry]
    let numbers: [Number]
    let trie: PhraseTrie
    /// Reported labels, sorted by code name (the order of `CodedField.codes`).
    let reportOrder: [Int32]

    init(name: String, sources: [SourcePath], labels: [Label], rules: [Rule], impliedRules: [Int32], cues: [Cue],
         entries: [Entry], numbers: [Number], trie: PhraseTrie, reportOrder: [Int32]) {
        self.name = name
        self.sources = sources
        self.labels = labels
        self.rules = rules
        self.impliedRules = impliedRules
        self.cues = cues
        self.entries = entries
        self.numbers = numbers
        self.trie = trie
        self.reportOrder = reportOrder
    }
}
