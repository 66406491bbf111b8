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
        for (key, text) in [("form_id", submission.formId), ("form_version", submission.formVersion),
                            ("instance_id", submission.instanceId), ("respondent_id", submission.respondentId),
                            ("submitted_at", submission.submittedAt)] {
            hasher.write(",")
            hasher.writeQuoted(key)
            hasher.write(":")
            hasher.writeQuoted(text)
        }
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

/// FNV-1a, 64-bit: fixed constants, no per-process seed (unlike Swift's `Hasher`).
private struct FNV1a64 {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func write(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01b3
        }
    }

    mutating func write(_ text: String) { write(text.utf8) }

    mutating func writeQuoted(_ text: String) {
        write("\"")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): write([UInt8(ascii: "\\"), byte])
            case 0..<0x20: write("\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16))
            default: write(CollectionOfOne(byte))
            }
        }
        write("\"")
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: write("null")
        case .bool(let flag): write(flag ? "true" : "false")
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
                write(String(Int64(number)))
            } else {
                write(number.description)
            }
        case .string(let text): writeQuoted(text)
        case .array(let elements):
            write("[")
            for (i, element) in elements.enumerated() {
                if i > 0 { write(",") }
                write(element)
            }
            write("]")
        case .object(let members):
            write("{")
            for (i, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { write(",") }
                writeQuoted(key)
                write(":")
                if let member = members[key] { write(member) }
            }
            write("}")
        }
    }
}
