/// A strict RFC 8259 JSON parser over UTF-8 bytes, producing `JSONValue`.
///
/// - The bytes are checked to be well-formed UTF-8 first (a failure is `.invalidUTF8`).
/// - Exactly one JSON value, surrounded by optional whitespace; no byte order mark, no comments,
///   no trailing commas, no leading zeros, no `NaN`/`Infinity`, no raw control characters in strings.
/// - All escapes are decoded, including UTF-16 surrogate pairs; a lone surrogate is an error.
/// - Duplicate member names in one object are an error (the meaning of such a document is undefined).
/// - Numbers must fit a finite `Double`.
/// - Arrays and objects nest at most `maxDepth` deep, so hostile nesting is an error, not a stack overflow.
///
/// Works directly on the caller's buffer; no Foundation on this path.
public struct JSONParser: Sendable {
    /// The default nesting limit: 64 levels of arrays/objects.
    public static let defaultMaxDepth = 64

    /// How many arrays/objects may nest inside each other. Default: `JSONParser.defaultMaxDepth` (64).
    public var maxDepth: Int

    /// The member left out of every parsed document, as steps of member names from the root
    /// (`*` = any name), e.g. `["coding", "*", "*", "evidence"]`; empty for none. Its value is
    /// skipped without being built: strings are still checked for control characters and
    /// containers for balance and depth, but not the rest of the grammar.
    public var skippedMember: [String] {
        skipPath.map { $0.isEmpty ? "*" : String(decoding: $0, as: UTF8.self) }
    }

    /// `skippedMember` as bytes, `*` as an empty step.
    private let skipPath: [[UInt8]]

    /// Creates a parser. `maxDepth` defaults to 64; `skipping` (default: none) is the path of a
    /// member to leave out, as `skippedMember` describes, for readers that need only the rest of
    /// a large document.
    /// - Parameters:
    ///   - maxDepth: How many arrays and objects may nest inside each other before parsing fails with
    ///     `.invalidJSON`; bounds the parser's recursion. Default: `JSONParser.defaultMaxDepth` (64).
    ///   - path: Member names from the root to the member to skip, `"*"` matching any name, e.g.
    ///     `["coding", "*", "*", "evidence"]`. Default: `[]`, which skips nothing.
    public init(maxDepth: Int = JSONParser.defaultMaxDepth, skipping path: [String] = []) {
        self.maxDepth = maxDepth
        self.skipPath = path.map { $0 == "*" ? [] : Array($0.utf8) }
    }

    /// Parses one JSON document from raw bytes.
    /// - Throws: `JSONParseError` with kind `.invalidUTF8` (bytes not UTF-8) or `.invalidJSON`
    ///   (anything else), naming the byte offset, line and column.
    ///
    /// The whole buffer is validated as UTF-8 before any JSON is read, so bad bytes anywhere are
    /// reported as `.invalidUTF8` even when the JSON would fail earlier. An empty buffer is `.invalidJSON`.
    /// - Parameter bytes: The document's bytes, read in place without copying; they must hold exactly
    ///   one JSON value with optional surrounding whitespace.
    /// - Returns: The parsed value, without the skipped member if the parser has one.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        if let bad = UTF8Validator.firstInvalidOffset(in: bytes) {
            throw JSONReader.error(
                .invalidUTF8,
                in: bytes,
                at: bad,
                "byte 0x\(JSONReader.hex(bytes[bad])) does not start or continue a well-formed UTF-8 sequence"
            )
        }
        return try parseValidUTF8(bytes)
    }

    /// Parses one JSON document from a byte buffer.
    /// - Throws: `JSONParseError`, as `parse(_: UnsafeRawBufferPointer)`.
    /// - Parameter bytes: The document's bytes, read in place without copying.
    /// - Returns: The parsed value, without the skipped member if the parser has one.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        try parse(UnsafeRawBufferPointer(bytes))
    }

    /// Parses one JSON document from any collection of bytes (contiguous collections are not copied).
    /// - Throws: `JSONParseError`, as `parse(_: UnsafeRawBufferPointer)`.
    /// - Parameter bytes: The document's bytes; arrays and other collections with contiguous storage are
    ///   read in place, any other collection is first copied into an array.
    /// - Returns: The parsed value, without the skipped member if the parser has one.
    public func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }.get()
    }

    /// Parses one JSON document from text (already valid Unicode, so no UTF-8 check is needed).
    /// - Throws: `JSONParseError` with kind `.invalidJSON`.
    /// - Parameter text: The document; its UTF-8 form is parsed (bridged strings are made native first).
    ///   An empty string is an error.
    /// - Returns: The parsed value, without the skipped member if the parser has one.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parseValidUTF8(UnsafeRawBufferPointer(buffer)) }
        }.get()
    }

    private func parseValidUTF8(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw JSONReader.error(.invalidJSON, in: bytes, at: 0, "the input is empty, expected a JSON value")
        }
        var reader = JSONReader(base: base, count: bytes.count, maxDepth: maxDepth)
        reader.skipPath = skipPath
        return try reader.parseDocument()
    }
}

/// The parser's cursor over one validated UTF-8 buffer.
struct JSONReader {
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    var index = 0
    var depth = 0
    /// Reused for strings with escapes.
    var scratch: [UInt8] = []
    /// Where the names of the open objects' members start, innermost last (for a duplicate's error).
    var memberOffsets: [Int] = []
    /// The member to skip (see `JSONParser.skippedMember`), and how many of the open objects
    /// lie on its path.
    var skipPath: [[UInt8]] = []
    var pathDepth = 0

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.count = count
        self.maxDepth = maxDepth
        memberOffsets.reserveCapacity(64)
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            throw fail(at: 0, "a byte order mark is not allowed before a JSON text (RFC 8259 §8.1)")
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index != count { throw fail("unexpected \(describe(index)) after the JSON value") }
        return value
    }

    // MARK: Values

    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let c = base[index]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            index &+= 1
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < count else { throw fail("unexpected end of input, expected a value") }
        switch base[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected \(describe(index)), expected a value")
        }
    }

    mutating func parseLiteral(_ word: StaticString) throws(JSONParseError) {
        let start = index
        let length = word.utf8CodeUnitCount
        let expected = word.utf8Start
        var k = 0
        while k < length {
            guard index < count, base[index] == expected[k] else {
                throw fail(at: start, "invalid literal, expected '\(word)'")
            }
            index &+= 1
            k &+= 1
        }
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth &+= 1
        if depth > maxDepth { throw fail("arrays and objects nest deeper than \(maxDepth) levels") }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index &+= 1
        skipWhitespace()
        if index < count && base[index] == UInt8(ascii: "}") {
            index &+= 1
            depth &-= 1
            return .object([:])
        }
        // Members go straight into the object's own array (no copy from a shared stack, so no
        // retain and release per member); the small capacity covers a usual object.
        var members: [JSONObject.Element] = []
        members.reserveCapacity(8)
        let first = memberOffsets.count
        while true {
            guard index < count else { throw fail("unexpected end of input inside an object, expected a member name") }
            guard base[index] == UInt8(ascii: "\"") else {
                throw fail("unexpected \(describe(index)), expected a member name in double quotes")
            }
            let nameStart = index
            let name = try parseString()
            let nameEnd = index
            skipWhitespace()
            guard index < count else { throw fail("unexpected end of input, expected ':' after a member name") }
            guard base[index] == UInt8(ascii: ":") else { throw fail("unexpected \(describe(index)), expected ':' after a member name") }
            index &+= 1
            skipWhitespace()
            if !skipPath.isEmpty, pathDepth == depth &- 1, depth <= skipPath.count,
                isName(from: nameStart, to: nameEnd, step: skipPath[depth &- 1])
            {
                if depth == skipPath.count {
                    try skipValue()
                } else {
                    pathDepth = depth
                    let value = try parseValue()
                    pathDepth = depth &- 1
                    members.append((key: name, value: value))
                    memberOffsets.append(nameStart)
                }
            } else {
                let value = try parseValue()
                members.append((key: name, value: value))
                memberOffsets.append(nameStart)
            }
            skipWhitespace()
            guard index < count else { throw fail("unexpected end of input inside an object, expected ',' or '}'") }
            let c = base[index]
            index &+= 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "}") { break }
            throw fail(at: index &- 1, "unexpected \(describe(index &- 1)), expected ',' or '}' after an object member")
        }
        try checkDistinctNames(members, offsets: first)
        // One removeLast at a time: removeLast(_:) goes through the generic replaceSubrange.
        while memberOffsets.count > first { memberOffsets.removeLast() }
        depth &-= 1
        return .object(JSONObject(uniqueMembers: members))
    }

    /// Throws for the first of `members` whose name an earlier member already has, naming the
    /// offset `memberOffsets[offsets + k]` of member `k`: pairwise for the usual few members,
    /// with a set beyond, so a hostile object with many members is not quadratic.
    func checkDistinctNames(_ members: [JSONObject.Element], offsets: Int) throws(JSONParseError) {
        if members.count <= 16 {
            for k in members.indices {
                for j in 0..<k where members[j].key == members[k].key {
                    throw fail(at: memberOffsets[offsets &+ k], "duplicate member name \"\(members[k].key)\" in one object")
                }
            }
            return
        }
        var seen = Set<String>(minimumCapacity: members.count)
        for k in members.indices where !seen.insert(members[k].key).inserted {
            throw fail(at: memberOffsets[offsets &+ k], "duplicate member name \"\(members[k].key)\" in one object")
        }
    }

    /// Whether the quoted name at `start..<end` (quotes included) is `step` (empty = any name).
    func isName(from start: Int, to end: Int, step: [UInt8]) -> Bool {
        if step.isEmpty { return true }
        guard end &- start &- 2 == step.count else { return false }
        for k in 0..<step.count where base[start &+ 1 &+ k] != step[k] { return false }
        return true
    }

    /// Moves past one value without building it (see `JSONParser.skippedMember`).
    mutating func skipValue() throws(JSONParseError) {
        var open = 0
        repeat {
            guard index < count else { throw fail("unexpected end of input inside a value") }
            switch base[index] {
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open &+= 1
                if depth &+ open > maxDepth { throw fail("arrays and objects nest deeper than \(maxDepth) levels") }
                index &+= 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard open > 0 else { throw fail("unexpected \(describe(index)), expected a value") }
                open &-= 1
                index &+= 1
            case _ where open == 0:
                // A number or literal: up to the next delimiter.
                let start = index
                while index < count {
                    let b = base[index]
                    if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
                    {
                        break
                    }
                    index &+= 1
                }
                if index == start { throw fail("unexpected \(describe(index)), expected a value") }
            default:
                index &+= 1
            }
        } while open > 0
    }

    /// Moves past a string starting at its opening quote, without decoding it.
    mutating func skipString() throws(JSONParseError) {
        index &+= 1
        while true {
            while index &+ 8 <= count {
                let w = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if JSONReader.hasSpecialByte(w) { break }
                index &+= 8
            }
            guard index < count else { throw fail("unexpected end of input inside a string") }
            let c = base[index]
            if c == UInt8(ascii: "\"") {
                index &+= 1
                return
            }
            if c == UInt8(ascii: "\\") {
                index &+= 2
                continue
            }
            if c < 0x20 { throw fail("control character U+00\(JSONReader.hex(c)) must be escaped inside a string") }
            index &+= 1
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index &+= 1
        skipWhitespace()
        if index < count && base[index] == UInt8(ascii: "]") {
            index &+= 1
            depth &-= 1
            return .array([])
        }
        var elements: [JSONValue] = []
        elements.reserveCapacity(4)
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < count else { throw fail("unexpected end of input inside an array, expected ',' or ']'") }
            let c = base[index]
            index &+= 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "]") { break }
            throw fail(at: index &- 1, "unexpected \(describe(index &- 1)), expected ',' or ']' after an array element")
        }
        depth &-= 1
        return .array(elements)
    }

    // MARK: Strings

    /// Parses a string starting at the opening quote; leaves `index` after the closing quote.
    mutating func parseString() throws(JSONParseError) -> String {
        index &+= 1
        let start = index
        // Fast scan for the closing quote, eight bytes at a time while no quote, backslash or control byte.
        while index &+ 8 <= count {
            let w = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if JSONReader.hasSpecialByte(w) { break }
            index &+= 8
        }
        while index < count {
            let c = base[index]
            if c == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index &- start), as: UTF8.self)
                index &+= 1
                return text
            }
            if c == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if c < 0x20 { throw fail("control character U+00\(JSONReader.hex(c)) must be escaped inside a string") }
            index &+= 1
        }
        throw fail("unexpected end of input inside a string")
    }

    /// Whether any byte of `w` is `"`, `\` or below 0x20 (SWAR; the answer is exact, not which byte).
    @inline(__always)
    static func hasSpecialByte(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        let hasControl = (w &- ones &* 0x20) & ~w & highs
        return (hasQuote | hasBackslash | hasControl) != 0
    }

    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index &- start))
        while index < count {
            let c = base[index]
            if c == UInt8(ascii: "\"") {
                index &+= 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character U+00\(JSONReader.hex(c)) must be escaped inside a string") }
            if c != UInt8(ascii: "\\") {
                // Copy the run up to the next quote, backslash or control byte in one go.
                let run = index
                index &+= 1
                while index &+ 8 <= count {
                    let w = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    if JSONReader.hasSpecialByte(w) { break }
                    index &+= 8
                }
                while index < count {
                    let b = base[index]
                    if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                    index &+= 1
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + run, count: index &- run))
                continue
            }
            let escapeStart = index
            index &+= 1
            guard index < count else { break }
            let e = base[index]
            index &+= 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard index &+ 1 < count, base[index] == UInt8(ascii: "\\"), base[index &+ 1] == UInt8(ascii: "u") else {
                        throw fail(at: escapeStart, "high surrogate \\u\(JSONReader.hex4(scalar)) is not followed by a low surrogate escape")
                    }
                    index &+= 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw fail(
                            at: escapeStart,
                            "high surrogate \\u\(JSONReader.hex4(scalar)) is followed by \\u\(JSONReader.hex4(low)), not a low surrogate"
                        )
                    }
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw fail(at: escapeStart, "lone low surrogate \\u\(JSONReader.hex4(scalar))")
                }
                appendUTF8(scalar)
            default:
                throw fail(at: escapeStart, "invalid escape '\\\(JSONReader.printable(e))' in a string")
            }
        }
        throw fail("unexpected end of input inside a string")
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index &+ 4 <= count else {
            index = count
            throw fail("unexpected end of input inside a \\u escape")
        }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = base[index &+ k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c &- UInt8(ascii: "A") &+ 10
            default: throw fail(at: index &+ k, "unexpected \(describe(index &+ k)) in a \\u escape, expected a hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        index &+= 4
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if base[index] == UInt8(ascii: "-") {
            negative = true
            index &+= 1
        }
        guard index < count else { throw fail("unexpected end of input, expected a digit") }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        let first = base[index]
        if first == UInt8(ascii: "0") {
            index &+= 1
            if index < count && JSONReader.isDigit(base[index]) { throw fail(at: start, "leading zeros are not allowed in a number") }
        } else if JSONReader.isDigit(first) {
            while index < count && JSONReader.isDigit(base[index]) {
                if significantDigits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[index] &- 0x30) }
                significantDigits &+= 1
                index &+= 1
            }
        } else {
            throw fail("unexpected \(describe(index)), expected a digit")
        }
        var fractionDigits = 0
        if index < count && base[index] == UInt8(ascii: ".") {
            index &+= 1
            guard index < count && JSONReader.isDigit(base[index]) else {
                throw fail(
                    index < count
                        ? "unexpected \(describe(index)), expected a digit after the decimal point"
                        : "unexpected end of input, expected a digit after the decimal point"
                )
            }
            while index < count && JSONReader.isDigit(base[index]) {
                if significantDigits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[index] &- 0x30) }
                if mantissa != 0 || significantDigits > 0 { significantDigits &+= 1 }
                fractionDigits &+= 1
                index &+= 1
            }
        }
        var exponent = 0
        if index < count && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index &+= 1
            var exponentNegative = false
            if index < count && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) {
                exponentNegative = base[index] == UInt8(ascii: "-")
                index &+= 1
            }
            guard index < count && JSONReader.isDigit(base[index]) else {
                throw fail(
                    index < count
                        ? "unexpected \(describe(index)), expected a digit in the exponent"
                        : "unexpected end of input, expected a digit in the exponent"
                )
            }
            while index < count && JSONReader.isDigit(base[index]) {
                if exponent < 100_000 { exponent = exponent &* 10 &+ Int(base[index] &- 0x30) }
                index &+= 1
            }
            if exponentNegative { exponent = -exponent }
        }
        // Exact fast path (Clinger): a mantissa below 2^53 times a power of ten that is itself exact.
        let scale = exponent &- fractionDigits
        if significantDigits <= 15 && scale >= -22 && scale <= 22 {
            var value = Double(mantissa)
            if scale < 0 { value /= JSONReader.powersOfTen[-scale] } else if scale > 0 { value *= JSONReader.powersOfTen[scale] }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index &- start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw fail(at: start, "number \(text.prefix(40)) does not fit a 64-bit floating-point value")
        }
        return value
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    // MARK: Errors

    func fail(_ reason: String) -> JSONParseError { fail(at: index, reason) }

    func fail(at offset: Int, _ reason: String) -> JSONParseError {
        JSONReader.error(.invalidJSON, in: UnsafeRawBufferPointer(start: base, count: count), at: offset, reason)
    }

    func describe(_ offset: Int) -> String {
        "character '\(JSONReader.printable(base[offset]))'"
    }

    static func error(_ kind: JSONParseError.Kind, in bytes: UnsafeRawBufferPointer, at offset: Int, _ reason: String) -> JSONParseError {
        var line = 1
        var lineStart = 0
        var k = 0
        while k < offset && k < bytes.count {
            if bytes[k] == 0x0A {
                line += 1
                lineStart = k + 1
            }
            k += 1
        }
        return JSONParseError(kind: kind, offset: offset, line: line, column: offset - lineStart + 1, reason: reason)
    }

    static func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "\\x" + hex(c)
    }

    static func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(c >> 4)], digits[Int(c & 0xF)]])
    }

    static func hex4(_ v: UInt32) -> String { hex(UInt8(v >> 8)) + hex(UInt8(v & 0xFF)) }
}
