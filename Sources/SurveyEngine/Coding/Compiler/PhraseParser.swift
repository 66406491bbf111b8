import Foundation

/// Turns the phrase syntax of `Schemas/CODEBOOK.md` into trie patterns.
///
/// A phrase is literal words separated by spaces, cut exactly as text is cut (so
/// "strengths-based" also matches "strengths based"), plus three elements:
/// `~N` (0 to N any words), `*` (exactly one word) and `#lo..hi` (a number, digits or words).
/// Regular-expression syntax is rejected with a message saying how to write the variants.
struct PhraseParser {
    /// How the words of a phrase are matched.
    enum Kind {
        /// A phrase: any case; misspellings allowed when `tolerant`; every word also matches
        /// other forms with its stem when `stem`.
        case phrase(tolerant: Bool, stem: Bool = false)
        /// An abbreviation: whole words, no misspellings, letter case exact when `caseSensitive`.
        case abbreviation(caseSensitive: Bool)
    }

    /// A parsed phrase: one element list per variant (hyphen-joined spellings add variants),
    /// plus, for a case-sensitive abbreviation, the exact bytes of each word.
    struct Parsed {
        var variants: [[PatternElement]]
        var exactCase: [[UInt8]]?
    }

    var breaks: Marks
    var joinHyphenated: Bool

    private static let regexCharacters: Set<Character> = ["[", "]", "{", "}", "|", "\\", "^", "$", "(", ")", "?"]
    private static let maximumGap = 10

    private struct Word {
        var lowercased: [UInt8]
        var original: [UInt8]
        var isDigits: Bool
        var hyphenBefore: Bool
        var chunk: Int
        var stemmed: Bool
    }

    /// Marks a chunk of an expanded phrase whose words come from a concept (matched by stem);
    /// a phrase written in a codebook cannot contain it (it is rejected as regular-expression syntax).
    static let stemMark: Character = "^"

    /// Parses one phrase, interning its words.
    /// - Throws: `SurveyDefinitionError` (file `codebook`) naming `context` and the fix.
    func parse(_ phrase: String, kind: Kind, context: String, into lexicon: inout LexiconBuilder) throws(SurveyDefinitionError) -> Parsed {
        func fail(_ message: String) -> SurveyDefinitionError {
            SurveyDefinitionError(file: "codebook", message: "\(context) '\(phrase)': \(message)")
        }
        let chunks = phrase.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard !chunks.isEmpty else { throw fail("the phrase is empty; remove it or write the words to match") }
        if let bad = phrase.first(where: { Self.regexCharacters.contains($0) && $0 != Self.stemMark }) {
            throw fail(
                "'\(bad)' looks like regular-expression syntax, which codebook phrases do not use; "
                    + "phrases are literal words: list each variant as its own phrase (use ~N for a gap of up to N words, "
                    + "* for exactly one word, #lo..hi for a number)"
            )
        }
        var isAbbreviation = false
        var tolerant = false
        var stemAll = false
        var caseSensitive = false
        switch kind {
        case .phrase(let t, let stem):
            tolerant = t
            stemAll = stem
        case .abbreviation(let c):
            isAbbreviation = true
            caseSensitive = c
        }

        // Elements before hyphen joining: words carry their chunk so joins stay within one chunk.
        enum Item {
            case word(Word)
            case number(Double, Double)
            case gap(Int, Int)
        }
        var items: [Item] = []
        for (chunkIndex, written) in chunks.enumerated() {
            let stemmedChunk = written.first == Self.stemMark
            let chunk = stemmedChunk ? String(written.dropFirst()) : written
            if stemmedChunk && isAbbreviation { throw fail("an abbreviation cannot use a concept") }
            if chunk.contains(Self.stemMark) { throw fail("'^' looks like regular-expression syntax; phrases are literal words") }
            if chunk == "*" || chunk.hasPrefix("~") || chunk.hasPrefix("#") {
                if isAbbreviation { throw fail("an abbreviation is matched word for word; '\(chunk)' is only allowed in phrases") }
            }
            if chunk == "*" {
                items.append(.gap(1, 1))
                continue
            }
            if chunk.hasPrefix("~") {
                guard let n = Int(chunk.dropFirst()), n >= 1, n <= Self.maximumGap else {
                    throw fail("'\(chunk)' is not a gap; write ~N with N from 1 to \(Self.maximumGap) (up to N words)")
                }
                items.append(.gap(0, n))
                continue
            }
            if chunk.hasPrefix("#") {
                let body = chunk.dropFirst()
                if body.isEmpty {
                    items.append(.number(-.infinity, .infinity))
                    continue
                }
                let bounds = body.components(separatedBy: "..")
                let numbers = bounds.map { Double($0) }
                guard bounds.count == 1 || bounds.count == 2, numbers.allSatisfy({ $0 != nil }) else {
                    throw fail("'\(chunk)' is not a number element; write # (any number), #12 or #10..16")
                }
                let low = numbers[0]!
                let high = numbers[numbers.count - 1]!
                guard low <= high else { throw fail("'\(chunk)': the lower bound must not exceed the upper bound") }
                items.append(.number(low, high))
                continue
            }
            if chunk.contains("*") || chunk.contains("+") {
                throw fail(
                    "'\(chunk)' looks like a wildcard or regular expression; write each spelling as its own phrase "
                        + "(misspellings of long words are tolerated automatically)"
                )
            }
            var words: [Word] = []
            var failure: SurveyDefinitionError?
            let bytes = Array(chunk.utf8)
            bytes.withUnsafeBufferPointer { text in
                TextScanner.scan(text) { raw in
                    if !words.isEmpty, !raw.marksBefore.isDisjoint(with: breaks) {
                        failure = fail(
                            "'\(chunk)' contains punctuation that ends a sentence in text, so the phrase could never "
                                + "match; phrases are literal words, not regular expressions: remove the punctuation"
                        )
                    }
                    words.append(
                        Word(
                            lowercased: Array(raw.lowercased),
                            original: Array(text[raw.start..<raw.end]),
                            isDigits: raw.isDigits,
                            hyphenBefore: !words.isEmpty && raw.marksBefore.contains(.hyphen),
                            chunk: chunkIndex,
                            stemmed: !isAbbreviation && (stemAll || stemmedChunk)
                        )
                    )
                }
            }
            if let failure { throw failure }
            guard !words.isEmpty else { throw fail("'\(chunk)' has no letters or digits to match") }
            if words.contains(where: { $0.lowercased.count >= TextScanner.maxWordLength }) {
                throw fail("a word is longer than \(TextScanner.maxWordLength - 1) bytes")
            }
            items.append(contentsOf: words.map(Item.word))
        }
        guard items.contains(where: { if case .gap = $0 { return false } else { return true } }) else {
            throw fail("the phrase has only gaps; it needs at least one word or number")
        }
        if case .gap = items.first! { throw fail("a phrase may not start with a gap (~N or *): start with a word") }
        if case .gap = items.last! { throw fail("a phrase may not end with a gap (~N or *): end with a word") }
        for (a, b) in zip(items, items.dropFirst()) {
            if case .gap = a, case .gap = b { throw fail("two gaps in a row; write one ~N instead") }
        }

        // Hyphen joins: "multi-agency" also matches "multiagency" (letters only, at most 3 joins).
        var joinable: [Int] = []
        if joinHyphenated && !isAbbreviation {
            for k in 1..<items.count {
                if case .word(let w) = items[k], case .word(let v) = items[k - 1], w.hyphenBefore, w.chunk == v.chunk,
                    !w.isDigits, !v.isDigits
                {
                    joinable.append(k)
                }
            }
            joinable = Array(joinable.prefix(3))
        }
        var variants: [[PatternElement]] = []
        for mask in 0..<(1 << joinable.count) {
            var elements: [PatternElement] = []
            var pending: [UInt8]? = nil
            var pendingStemmed = false
            func flush() {
                if let word = pending {
                    let isDigits = word.allSatisfy(TextScanner.isDigit)
                    if pendingStemmed && !isDigits {
                        elements.append(.stemmed(lexicon.intern(word, tolerant: true, stemmed: true)))
                    } else {
                        let isTolerant = tolerant && !isDigits
                        elements.append(.word(lexicon.intern(word, tolerant: isTolerant), tolerant: isTolerant))
                    }
                    pending = nil
                }
            }
            for (k, item) in items.enumerated() {
                switch item {
                case .word(let w):
                    if let position = joinable.firstIndex(of: k), mask & (1 << position) != 0 {
                        pending = (pending ?? []) + w.lowercased
                        pendingStemmed = pendingStemmed && w.stemmed
                    } else {
                        flush()
                        pending = w.lowercased
                        pendingStemmed = w.stemmed
                    }
                case .number(let low, let high):
                    flush()
                    elements.append(.number(low: low, high: high))
                case .gap(let min, let max):
                    flush()
                    elements.append(.gap(min: min, max: max))
                }
            }
            flush()
            variants.append(elements)
        }
        var exactCase: [[UInt8]]? = nil
        if caseSensitive {
            exactCase = items.compactMap { if case .word(let w) = $0 { return w.original } else { return nil } }
        }
        return Parsed(variants: variants, exactCase: exactCase)
    }

    /// Parses a single word (unit, joiner, stop word, number word) and interns it.
    /// - Throws: `SurveyDefinitionError` when `text` is not exactly one word.
    func singleWord(_ text: String, context: String, into lexicon: inout LexiconBuilder) throws(SurveyDefinitionError) -> Int32 {
        var words: [[UInt8]] = []
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            TextScanner.scan(bytes) { words.append(Array($0.lowercased)) }
        }
        guard words.count == 1, let word = words.first else {
            throw SurveyDefinitionError(
                file: "codebook",
                message: "\(context) '\(text)': must be exactly one word "
                    + "(letters or digits, no spaces or hyphens)"
            )
        }
        return lexicon.intern(word)
    }

    /// ``singleWord(_:context:into:)`` for each of `texts`, in order.
    /// - Parameters:
    ///   - texts: the words.
    ///   - context: where the list is, for messages.
    ///   - lexicon: where the words are interned.
    /// - Returns: the words' ids.
    /// - Throws: `SurveyDefinitionError` naming the first text that is not exactly one word.
    func singleWords(_ texts: [String], context: String, into lexicon: inout LexiconBuilder) throws(SurveyDefinitionError) -> [Int32] {
        var ids: [Int32] = []
        for text in texts { ids.append(try singleWord(text, context: context, into: &lexicon)) }
        return ids
    }
}
