/// A stable 64-bit fingerprint of a submission's content: FNV-1a 64 over a canonical
/// serialisation (envelope members in a fixed order, `answers` with object members sorted by
/// their UTF-8 bytes, numbers in shortest round-trip form, integral numbers as integers).
///
/// The same content gives the same fingerprint in any process on any machine, whatever member
/// order its producer wrote, so it can be stored in the changelog and compared after a restart.
/// Written as 16 lowercase hex digits on the wire.
public struct ContentFingerprint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 64-bit hash.
    public let value: UInt64

    /// Wraps a known hash.
    public init(value: UInt64) {
        self.value = value
    }

    /// The fingerprint of every member of `submission` (envelope and answers).
    public init(of submission: Submission) {
        var hasher = FNV1a64()
        hasher.write("{\"answers\":")
        hasher.write(submission.answers)
        hasher.write(",\"deprecated_id\":")
        if let deprecated = submission.deprecatedId { hasher.writeQuoted(deprecated) } else { hasher.write("null") }
        hasher.write(",\"form_id\":")
        hasher.writeQuoted(submission.formId)
        hasher.write(",\"form_version\":")
        hasher.writeQuoted(submission.formVersion)
        hasher.write(",\"instance_id\":")
        hasher.writeQuoted(submission.instanceId)
        hasher.write(",\"respondent_id\":")
        hasher.writeQuoted(submission.respondentId)
        hasher.write(",\"submitted_at\":")
        hasher.writeQuoted(submission.submittedAt)
        hasher.write("}")
        value = hasher.state
    }

    /// 16 lowercase hex digits.
    public var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Decodes 16 hex digits.
    /// - Throws: `DecodingError.dataCorrupted` for anything else.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.count == 16, let value = UInt64(text, radix: 16) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected 16 hex digits, got '\(text)'"))
        }
        self.value = value
    }

    /// Encodes 16 hex digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// FNV-1a, 64-bit: fixed constants, no per-process seed (unlike Swift's `Hasher`). Fed the
/// canonical serialisation byte by byte, straight from each string's UTF-8 storage: nothing is
/// serialised into a buffer first and no `String` is made for a number.
private struct FNV1a64 {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { for b in $0 { byte(b) } }
    }

    /// `text` in double quotes, escaped as JSON: `\"`, `\\`, and `\u00xx` (lowercase) for control bytes.
    mutating func writeQuoted(_ text: String) {
        byte(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            for b in bytes {
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    byte(b)
                } else if b >= 0x20 {
                    byte(UInt8(ascii: "\\"))
                    byte(b)
                } else {
                    write("\\u00")
                    let hex: StaticString = "0123456789abcdef"
                    hex.withUTF8Buffer { digits in
                        byte(digits[Int(b >> 4)])
                        byte(digits[Int(b & 0xF)])
                    }
                }
            }
        }
        byte(UInt8(ascii: "\""))
    }

    /// The decimal digits of `value`.
    mutating func writeInteger(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            byte(UInt8(ascii: "0") &+ UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: write("null")
        case .bool(let flag): if flag { write("true") } else { write("false") }
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
                writeInteger(Int64(number))
            } else {
                for b in number.description.utf8 { byte(b) }
            }
        case .string(let text): writeQuoted(text)
        case .array(let elements):
            byte(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { byte(UInt8(ascii: ",")) }
                write(element)
            }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            byte(UInt8(ascii: "{"))
            // Members in the byte order of their names.
            let sorted = members.count < 2 ? Array(members) : members.sorted { JSONWriter.precedes($0.key, $1.key) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { byte(UInt8(ascii: ",")) }
                writeQuoted(member.key)
                byte(UInt8(ascii: ":"))
                write(member.value)
            }
            byte(UInt8(ascii: "}"))
        }
    }
}
