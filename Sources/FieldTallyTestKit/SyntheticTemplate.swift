import SurveyEngine

/// One message of the source stream, cut into the pieces a synthetic copy rewrites: respondent
/// ids (the message keys), `uuid:` instance ids, and the ends of free texts where padding goes.
/// Built once per source line; rendering a copy only concatenates.
struct SyntheticTemplate: Sendable {
    /// One piece of the value.
    enum Segment: Sendable {
        /// Bytes kept as they are.
        case literal([UInt8])
        /// A respondent id of the source stream, renamed per copy.
        case respondent(String)
        /// A `uuid:…` identifier of the source stream, replaced per copy.
        case uuid(String)
        /// The end of a free text (just before its closing quote): padding goes here.
        case padPoint
    }

    /// The source key, or `nil` for a message without one.
    let key: String?
    /// The value, cut into segments.
    let segments: [Segment]
    /// The source value's hash: identical source values pad identically, so re-sends stay identical.
    let contentHash: UInt64
    /// The value's size as rendered for an early copy (ids a few bytes longer), before padding.
    var renderedSize: Int {
        segments.reduce(0) { size, segment in
            switch segment {
            case .literal(let bytes): size + bytes.count
            case .respondent(let id): size + id.utf8.count + 3
            case .uuid(let uuid): size + uuid.utf8.count
            case .padPoint: size
            }
        }
    }
    /// Free texts that may be padded.
    var padPoints: Int { segments.reduce(0) { if case .padPoint = $1 { $0 + 1 } else { $0 } } }

    /// Cuts `message`; `respondentIds` are the ids to rename wherever they occur as a whole word.
    init(_ message: KeyedMessage, respondentIds: Set<String>) {
        let value = message.value
        key = message.key.map { String(decoding: $0, as: UTF8.self) }
        contentHash = SyntheticHash.fnv1a(value)

        // Spans to replace, by start offset: (end, segment).
        var spans: [Int: (end: Int, segment: Segment)] = [:]
        for (start, end) in Self.uuidSpans(in: value) {
            spans[start] = (end, .uuid(String(decoding: value[start..<end], as: UTF8.self)))
        }
        for id in respondentIds {
            for start in Self.wordOccurrences(of: Array(id.utf8), in: value) where spans[start] == nil {
                spans[start] = (start + id.utf8.count, .respondent(id))
            }
        }
        // Only a well-formed JSON value is padded: a malformed one must stay malformed exactly.
        var padOffsets: Set<Int> = []
        if (try? JSONParser().parse(value)) != nil {
            padOffsets = Set(Self.freeTextEnds(in: value))
        }

        var segments: [Segment] = []
        var literal: [UInt8] = []
        var i = 0
        func flush() {
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal.removeAll()
            }
        }
        while i < value.count {
            if padOffsets.contains(i) {
                flush()
                segments.append(.padPoint)
            }
            if let span = spans[i] {
                flush()
                segments.append(span.segment)
                i = span.end
            } else {
                literal.append(value[i])
                i += 1
            }
        }
        flush()
        self.segments = segments
    }

    /// `uuid:` followed by 36 characters of hex digits and hyphens (8-4-4-4-12).
    static func uuidSpans(in value: [UInt8]) -> [(Int, Int)] {
        let prefix = Array("uuid:".utf8)
        var spans: [(Int, Int)] = []
        var i = 0
        while i + prefix.count + 36 <= value.count {
            if value[i] == prefix[0], Array(value[i..<(i + prefix.count)]) == prefix {
                let body = value[(i + prefix.count)..<(i + prefix.count + 36)]
                let shaped = body.enumerated().allSatisfy { offset, byte in
                    [8, 13, 18, 23].contains(offset) ? byte == UInt8(ascii: "-") : isHexDigit(byte)
                }
                if shaped {
                    spans.append((i, i + prefix.count + 36))
                    i += prefix.count + 36
                    continue
                }
            }
            i += 1
        }
        return spans
    }

    /// Start offsets of `needle` in `value` where it is not part of a longer word.
    static func wordOccurrences(of needle: [UInt8], in value: [UInt8]) -> [Int] {
        guard !needle.isEmpty, value.count >= needle.count else { return [] }
        var found: [Int] = []
        for start in 0...(value.count - needle.count) where value[start] == needle[0] {
            guard value[start..<(start + needle.count)].elementsEqual(needle) else { continue }
            let before = start == 0 ? nil : value[start - 1]
            let after = start + needle.count < value.count ? value[start + needle.count] : nil
            if !(before.map(isWordByte) ?? false) && !(after.map(isWordByte) ?? false) { found.append(start) }
        }
        return found
    }

    /// Offsets of the closing quote of every JSON string value (not member name) holding a space:
    /// free texts, as opposed to option codes, ids and timestamps. `value` must be valid JSON.
    static func freeTextEnds(in value: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var i = 0
        while i < value.count {
            guard value[i] == UInt8(ascii: "\"") else {
                i += 1
                continue
            }
            var j = i + 1
            var hasSpace = false
            while j < value.count, value[j] != UInt8(ascii: "\"") {
                if value[j] == UInt8(ascii: "\\") { j += 1 } else if value[j] == UInt8(ascii: " ") { hasSpace = true }
                j += 1
            }
            // A member name is followed by ':'; a value by ',', '}' or ']'.
            var k = j + 1
            while k < value.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(value[k]) { k += 1 }
            let isName = k < value.count && value[k] == UInt8(ascii: ":")
            if hasSpace && !isName { ends.append(j) }
            i = j + 1
        }
        return ends
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isHexDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}

/// Small deterministic hashes for the synthetic stream (FNV-1a, SplitMix64 finaliser).
enum SyntheticHash {
    /// FNV-1a over `bytes`.
    static func fnv1a(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// A well-mixed combination of the parts (SplitMix64 applied after each).
    static func mix(_ parts: UInt64...) -> UInt64 {
        var state: UInt64 = 0x0F1E_1D7A_11A1_2018
        for part in parts {
            var generator = ReferenceRandom(seed: state ^ part)
            state = generator.next()
        }
        return state
    }
}
