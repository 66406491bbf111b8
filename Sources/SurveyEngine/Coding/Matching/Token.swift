/// One word of a text being coded, resolved against the codebook's ``Lexicon``.
struct Token {
    /// UTF-8 byte span in the text.
    var start: Int32
    var end: Int32
    /// Lexicon id of the lower-cased word, or -1 for a word the codebook never mentions.
    var id: Int32
    /// For an unknown word: up to two tolerant lexicon words it may be a misspelling of (-1 = none).
    /// Known words carry their misspelling neighbours in the lexicon instead.
    var alternative0: Int32
    var alternative1: Int32
    /// Punctuation between the previous word and this one.
    var marksBefore: Marks
    /// True for a digit run ("12"), false for a word (including number words like "twelve").
    var isDigits: Bool
    /// The numeric value of a digit run or number word, else NaN.
    var value: Double
    /// The id of the word's stem when a stemmed codebook word shares it (``Lexicon/stemOf``), else -1.
    var stem: Int32
    /// The second opinion's stem of the lower-cased word as written (``Lexicon/Entry/form``), -1
    /// when the model has none, and ``Token/expanded`` on the second and later tokens of an
    /// abbreviation's expansion (the word was one).
    var form: Int32

    /// The ``form`` of a token that continues an abbreviation's expansion.
    static let expanded: Int32 = -2

    /// Whether this token is `word` or may be a misspelling of it.
    @inline(__always)
    func matches(tolerant word: Int32, in lexicon: Lexicon) -> Bool {
        if id == word { return true }
        if id >= 0 { return lexicon.isNeighbour(id, of: word) }
        return alternative0 == word || alternative1 == word
    }

    /// Whether this token is `word`, a misspelling of it, or another form with its stem.
    @inline(__always)
    func matches(stemmed word: Int32, in lexicon: Lexicon) -> Bool {
        (stem >= 0 && stem == lexicon.stemOf[Int(word)]) || matches(tolerant: word, in: lexicon)
    }
}

extension Lexicon {
    /// Cuts `text` into tokens resolved against this lexicon, written from `tokens` on (room for
    /// `text.count * tokensPerByte` tokens is needed: a token takes at least one byte, an
    /// abbreviation's expansion at most ``tokensPerByte`` per byte); returns how many. The
    /// misspelling search and the stem of unknown words go through `memo`; an abbreviation
    /// written exactly as the codebook lists it becomes the tokens of its expansion (each spanning
    /// the abbreviation's bytes).
    @inline(__always)
    func tokenize(
        _ text: UnsafeBufferPointer<UInt8>,
        into tokens: UnsafeMutablePointer<Token>,
        memo: inout SpellingMemo,
        stemmer: SnowballStemmer?
    ) -> Int {
        var count = 0
        let stems = stemCount > 0 ? stemmer : nil
        TextScanner.scan(text) { raw in
            var id: Int32 = -1
            var alternatives: (Int32, Int32) = (-1, -1)
            var stem: Int32 = -1
            var form: Int32 = -1
            var value = raw.value
            if !raw.tooLong {
                let known = find(raw.lowercased, hash: raw.hash)
                id = known.id
                form = known.form
                if id >= 0 {
                    stem = known.stem
                    if !raw.isDigits { value = known.value }
                    var expansion = Int(known.expansion)
                    while expansion >= 0, expansion < expansions.count, expansions[expansion].abbreviation == id,
                        !isWritten(expansions[expansion].exact, text, raw.start, raw.end)
                    {
                        expansion += 1
                    }
                    if expansion >= 0, expansion < expansions.count, expansions[expansion].abbreviation == id {
                        for (k, word) in expansions[expansion].words.enumerated() {
                            (tokens + count).initialize(
                                to: Token(
                                    start: Int32(raw.start),
                                    end: Int32(raw.end),
                                    id: word,
                                    alternative0: -1,
                                    alternative1: -1,
                                    marksBefore: k == 0 ? raw.marksBefore : [],
                                    isDigits: false,
                                    value: numberValues[Int(word)],
                                    stem: stemOf[Int(word)],
                                    form: k == 0 ? known.form : Token.expanded
                                )
                            )
                            count += 1
                        }
                        return
                    }
                } else if !raw.isDigits {
                    let fuzzy = mayBeMisspelling(length: raw.lowercased.count)
                    let stemmable = stems != nil && mayShareStem(raw.lowercased)
                    if fuzzy || stemmable {
                        if let remembered = memo.alternatives(of: raw.lowercased, hash: raw.hash) {
                            alternatives = (remembered.0, remembered.1)
                            stem = remembered.stem
                        } else {
                            if fuzzy { alternatives = self.alternatives(of: raw.lowercased) }
                            if stemmable, let stems { stem = stems.withStem(of: raw.lowercased) { stemID(of: $0) } }
                            memo.remember((alternatives.0, alternatives.1, stem), of: raw.lowercased, hash: raw.hash)
                        }
                    }
                }
            }
            (tokens + count).initialize(
                to: Token(
                    start: Int32(raw.start),
                    end: Int32(raw.end),
                    id: id,
                    alternative0: alternatives.0,
                    alternative1: alternatives.1,
                    marksBefore: raw.marksBefore,
                    isDigits: raw.isDigits,
                    value: value,
                    stem: stem,
                    form: form
                )
            )
            count += 1
        }
        return count
    }

    /// Whether `text[start..<end]` is exactly `exact`.
    @inline(__always)
    private func isWritten(_ exact: [UInt8], _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start == exact.count else { return false }
        for k in 0..<exact.count where text[start + k] != exact[k] { return false }
        return true
    }
}
