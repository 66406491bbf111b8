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
    /// The word in ASCII lower case, apostrophes removed ("Children’s" → "childrens"). Its
    /// memory may be read in whole 8-byte words: from any offset below `count` that is a multiple
    /// of 8, 8 bytes are readable (what follows the word is unspecified).
    var lowercased: UnsafeBufferPointer<UInt8>
    /// ``TextScanner/hash(_:)`` of `lowercased`.
    var hash: UInt64
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

    /// Hash of a lower-cased word (8 bytes at a time; the lexicon uses the same function).
    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let length = word.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        var k = 0
        if let base = word.baseAddress {
            let raw = UnsafeRawPointer(base)
            while k + 8 <= length {
                h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                k += 8
            }
        }
        if k < length {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while k < length {
                tail |= UInt64(word[k]) << shift
                shift += 8
                k += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        return h
    }

    /// ``hash(_:)`` of `word`, reading its tail as one 8-byte load (see ``RawWord/lowercased``).
    @inline(__always)
    static func hash(padded word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let length = word.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        guard let base = word.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var k = 0
        while k + 8 <= length {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            k += 8
        }
        if k < length {
            let tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) & (UInt64.max >> UInt64(64 - 8 * (length - k)))
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        return h
    }

    /// Calls `body` for every word of `text`, in order.
    @inline(__always)
    static func scan(_ text: UnsafeBufferPointer<UInt8>, _ body: (RawWord) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxWordLength) { buffer in
            buffer.initialize(repeating: 0)
            let n = text.count
            var i = 0
            var marks: Marks = []
            while i < n {
                let b = text[i]
                if b < 0x80 {
                    if !isASCIILetter(b) && !isDigit(b) {
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
                var length = 0
                var value = Double.nan
                if isDigit(b) {
                    var whole = 0.0
                    var fraction = 0.0
                    var scale = 1.0
                    var seenPoint = false
                    while i < n {
                        let c = text[i]
                        if isDigit(c) {
                            let d = Double(c &- UInt8(ascii: "0"))
                            if seenPoint {
                                scale /= 10
                                fraction += d * scale
                            } else {
                                whole = whole * 10 + d
                            }
                        } else if c == UInt8(ascii: "."), !seenPoint, i + 1 < n, isDigit(text[i + 1]) {
                            seenPoint = true
                        } else {
                            break
                        }
                        if length < maxWordLength { buffer[length] = c }
                        length += 1
                        i += 1
                    }
                    value = whole + fraction
                } else {
                    // Eight ASCII letters at a time while they last; the loop below takes over at
                    // the first other byte (an apostrophe, a non-ASCII letter or the word's end).
                    if let input = text.baseAddress, let output = buffer.baseAddress {
                        while i + 8 <= n, length + 8 <= maxWordLength {
                            let chunk = UInt64(littleEndian: UnsafeRawPointer(input).loadUnaligned(fromByteOffset: i, as: UInt64.self))
                            let letters = letterBytes(chunk)
                            UnsafeMutableRawPointer(output).storeBytes(
                                of: (chunk | 0x2020_2020_2020_2020).littleEndian,
                                toByteOffset: length,
                                as: UInt64.self
                            )
                            let run = letters == 0x8080_8080_8080_8080 ? 8 : (~letters & 0x8080_8080_8080_8080).trailingZeroBitCount >> 3
                            length += run
                            i += run
                            if run < 8 { break }
                        }
                    }
                    while i < n {
                        let c = text[i]
                        if isASCIILetter(c) {
                            if length < maxWordLength { buffer[length] = c | 0x20 }
                            length += 1
                            i += 1
                        } else if c == UInt8(ascii: "'") {
                            // An apostrophe between letters belongs to the word ("don't" → "dont").
                            guard i + 1 < n, isWordLetter(text, at: i + 1) else { break }
                            i += 1
                        } else if c >= 0x80 {
                            if let (_, skip) = punctuation(text, at: i) {
                                guard isApostrophe(text, at: i), i + skip < n, isWordLetter(text, at: i + skip) else { break }
                                i += skip
                            } else {
                                if length < maxWordLength { buffer[length] = c }
                                length += 1
                                i += 1
                            }
                        } else {
                            break
                        }
                    }
                }
                let word = UnsafeBufferPointer(rebasing: buffer[0..<min(length, maxWordLength)])
                body(
                    RawWord(
                        start: start,
                        end: i,
                        marksBefore: marks,
                        isDigits: !value.isNaN,
                        value: value,
                        lowercased: word,
                        hash: hash(padded: word),
                        tooLong: length > maxWordLength - 1
                    )
                )
                marks = []
            }
        }
    }

    /// 0x80 in every byte of `chunk` that is an ASCII letter, 0 elsewhere.
    @inline(__always)
    static func letterBytes(_ chunk: UInt64) -> UInt64 {
        let folded = (chunk | 0x2020_2020_2020_2020) & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = folded &+ 0x1F1F_1F1F_1F1F_1F1F  // high bit set from 0x61 ("a")
        let pastZ = folded &+ 0x0505_0505_0505_0505  // high bit set from 0x7B (after "z")
        return atLeastA & ~pastZ & ~chunk & 0x8080_8080_8080_8080
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
                case 0x90...0x95: return (.hyphen, 3)  // hyphens, en dash, em dash
                case 0x98...0x9F: return (.quote, 3)  // curly quotes
                case 0xA2, 0xA3, 0xA7: return (.newline, 3)  // bullets
                case 0xA6: return (.period, 3)  // ellipsis
                case 0xA8, 0xA9: return (.newline, 3)  // line and paragraph separators
                default: return ([], 3)  // spaces and the rest of the block
                }
            }
            return (.other, 3)
        }
        if b == 0xC2, i + 1 < text.count {
            switch text[i + 1] {
            case 0xA0: return ([], 2)  // no-break space
            case 0xAB, 0xBB: return (.quote, 2)  // guillemets
            case 0xA1: return (.exclamation, 2)
            case 0xBF: return (.question, 2)
            case 0xB7: return (.newline, 2)  // middle dot used as a bullet
            default: return (.other, 2)  // other Latin-1 symbols (£, °, …)
            }
        }
        if b == 0xEF, i + 2 < text.count, text[i + 1] == 0xBB, text[i + 2] == 0xBF { return ([], 3) }  // BOM
        return nil
    }
}
