/// One word found by ``TextScanner``; `lowercased` is only valid inside the callback.
struct RawWord {
    /// UTF-8 byte offsets of the word in the text (apostrophes inside the word included).
    var start: Int
    var end: Int
    /// Punctuation between the previous word and this one.
    var marksBefore: Marks
    /// True for a run of digits (with at most one decimal point).
    var isDigits: Bool
    /// The numeric value of a digit run, else NaN.
    var value: Double
    /// The word in ASCII lower case, apostrophes removed ("Children’s" → "childrens").
    var lowercased: UnsafeBufferPointer<UInt8>
    /// FNV-1a hash of `lowercased`.
    var hash: UInt64
    /// One bit per letter a–z present, for a quick misspelling pre-check.
    var letterMask: UInt32
    /// True when the word was longer than ``TextScanner/maxWordLength`` (it matches nothing).
    var tooLong: Bool
}

/// Cuts UTF-8 text into words without Foundation or regular expressions.
///
/// A word is a run of ASCII letters or other non-ASCII characters, or a run of digits (a
/// letter–digit change starts a new word: "12weeks" is "12" "weeks"). Apostrophes inside a
/// word are dropped ("don't" → "dont"); everything else between words is recorded as ``Marks``.
/// Only ASCII is case-folded, which is all the matching needs.
enum TextScanner {
    /// Longer words are kept as unknown words (no phrase word is this long).
    static let maxWordLength = 64

    @inline(__always) static func hashStart() -> UInt64 { 0xcbf2_9ce4_8422_2325 }
    @inline(__always) static func hashStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// Calls `body` for every word of `text`, in order.
    @inline(__always)
    static func scan(_ text: UnsafeBufferPointer<UInt8>, _ body: (RawWord) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxWordLength) { buffer in
            let n = text.count
            var i = 0
            var marks: Marks = []
            while i < n {
                let b = text[i]
                if b < 0x80 {
                    if isASCIILetter(b) || isDigit(b) {
                        // falls through to the word loop below
                    } else {
                        marks.formUnion(Marks.ascii(b))
                        i += 1
                        continue
                    }
                } else if let (mark, length) = punctuation(text, at: i) {
                    marks.formUnion(mark)
                    i += length
                    continue
                }
                // A word starts at i.
                let start = i
                let digits = isDigit(b)
                var length = 0
                var hash = hashStart()
                var letters: UInt32 = 0
                var value = 0.0
                var fractionScale = 0.0
                var tooLong = false
                while i < n {
                    let c = text[i]
                    if digits {
                        if isDigit(c) {
                            let d = Double(c &- UInt8(ascii: "0"))
                            if fractionScale > 0 {
                                fractionScale /= 10
                                value += d * fractionScale
                            } else {
                                value = value * 10 + d
                            }
                        } else if c == UInt8(ascii: "."), fractionScale == 0, i + 1 < n, isDigit(text[i + 1]) {
                            fractionScale = 1
                        } else {
                            break
                        }
                    } else if isASCIILetter(c) {
                        let lower = c | 0x20
                        letters |= 1 << UInt32(lower &- UInt8(ascii: "a"))
                        if length < maxWordLength { buffer[length] = lower } else { tooLong = true }
                        length += 1
                        hash = hashStep(hash, lower)
                        i += 1
                        continue
                    } else if c == UInt8(ascii: "'"), i + 1 < n, isWordLetter(text, at: i + 1) {
                        i += 1
                        continue
                    } else if c >= 0x80 {
                        if let (_, skip) = punctuation(text, at: i) {
                            // A curly apostrophe between letters belongs to the word.
                            if isApostrophe(text, at: i), i + skip < n, isWordLetter(text, at: i + skip) {
                                i += skip
                                continue
                            }
                            break
                        }
                        if length < maxWordLength { buffer[length] = c } else { tooLong = true }
                        length += 1
                        hash = hashStep(hash, c)
                        i += 1
                        continue
                    } else {
                        break
                    }
                    // digit branch bookkeeping
                    if length < maxWordLength { buffer[length] = c } else { tooLong = true }
                    length += 1
                    hash = hashStep(hash, c)
                    i += 1
                }
                body(RawWord(start: start, end: i, marksBefore: marks, isDigits: digits, value: digits ? value : .nan,
                             lowercased: UnsafeBufferPointer(rebasing: buffer[0..<min(length, maxWordLength)]),
                             hash: hash, letterMask: letters, tooLong: tooLong))
                marks = []
            }
        }
    }

    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// A letter (ASCII or any non-punctuation non-ASCII character) starts at `i`.
    @inline(__always)
    static func isWordLetter(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let b = text[i]
        if b < 0x80 { return isASCIILetter(b) }
        return punctuation(text, at: i) == nil
    }

    @inline(__always)
    static func isApostrophe(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x80 && (text[i + 2] == 0x99 || text[i + 2] == 0x98)
    }

    /// Non-ASCII punctuation and spaces starting at `i`: the mark and the byte length, or `nil`
    /// for a letter. Covers U+0080–U+00BF (no-break space, guillemets, £, …) and U+2000–U+2FFF
    /// (general punctuation, dashes, curly quotes, bullets, arrows and other symbols).
    @inline(__always)
    static func punctuation(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Marks, Int)? {
        let b = text[i]
        if b == 0xE2, i + 2 < text.count {
            if text[i + 1] == 0x80 {
                switch text[i + 2] {
                case 0x90...0x95: return (.hyphen, 3)          // hyphens, en dash, em dash
                case 0x98...0x9F: return (.quote, 3)           // curly quotes
                case 0xA2, 0xA3, 0xA7: return (.newline, 3)    // bullets
                case 0xA6: return (.period, 3)                 // ellipsis
                case 0xA8, 0xA9: return (.newline, 3)          // line and paragraph separators
                default: return ([], 3)                        // spaces and the rest of the block
                }
            }
            return (.other, 3)
        }
        if b == 0xC2, i + 1 < text.count {
            switch text[i + 1] {
            case 0xA0: return ([], 2)                          // no-break space
            case 0xAB, 0xBB: return (.quote, 2)                // guillemets
            case 0xA1: return (.exclamation, 2)
            case 0xBF: return (.question, 2)
            case 0xB7: return (.newline, 2)                    // middle dot used as a bullet
            default: return (.other, 2)                        // other Latin-1 symbols (£, °, …)
            }
        }
        if b == 0xEF, i + 2 < text.count, text[i + 1] == 0xBB, text[i + 2] == 0xBF { return ([], 3) } // BOM
        return nil
    }
}
