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

    /// Whether this token is `word` or may be a misspelling of it.
    @inline(__always)
    func matches(tolerant word: Int32, in lexicon: Lexicon) -> Bool {
        if id == word { return true }
        if id >= 0 { return lexicon.isNeighbour(id, of: word) }
        return alternative0 == word || alternative1 == word
    }
}

extension Lexicon {
    /// Cuts `text` into tokens resolved against this lexicon, written from `tokens` on (room for
    /// `text.count` tokens is needed: a token takes at least one byte); returns how many. The
    /// misspelling search of unknown words goes through `memo`.
    @inline(__always)
    func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: UnsafeMutablePointer<Token>, memo: inout SpellingMemo) -> Int {
        var count = 0
        TextScanner.scan(text) { raw in
            var id: Int32 = -1
            var alternatives: (Int32, Int32) = (-1, -1)
            if !raw.tooLong {
                id = lookup(raw.lowercased, hash: raw.hash)
                if id < 0, !raw.isDigits, mayBeMisspelling(length: raw.lowercased.count) {
                    if let remembered = memo.alternatives(of: raw.lowercased, hash: raw.hash) {
                        alternatives = remembered
                    } else {
                        alternatives = self.alternatives(of: raw.lowercased)
                        memo.remember(alternatives, of: raw.lowercased, hash: raw.hash)
                    }
                }
            }
            let value = raw.isDigits ? raw.value : (id >= 0 ? numberValues[Int(id)] : .nan)
            (tokens + count).initialize(to: Token(start: Int32(raw.start), end: Int32(raw.end), id: id,
                                                  alternative0: alternatives.0, alternative1: alternatives.1,
                                                  marksBefore: raw.marksBefore, isDigits: raw.isDigits, value: value))
            count += 1
        }
        return count
    }
}
