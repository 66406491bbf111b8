/// A stable 64-bit fingerprint of a submission's content: the envelope members in a fixed
/// order and `answers` hashed structurally (`ContentHasher`): objects as an order-free sum over
/// their members, so member order does not matter; numbers by value, integral numbers as
/// integers (`1` and `1.0` are the same answer).
///
/// The same content gives the same fingerprint in any process on any machine (fixed constants,
/// no per-process seed), so it can be stored in the changelog and compared after a restart.
/// Written as 16 lowercase hex digits on the wire.
public struct ContentFingerprint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 64-bit hash.
    public let value: UInt64

    /// Wraps a known hash.
    ///
    /// - Parameter value: A fingerprint computed earlier, e.g. read back from the changelog.
    public init(value: UInt64) {
        self.value = value
    }

    /// The fingerprint of every member of `submission` (envelope and answers).
    ///
    /// Two submissions get the same fingerprint when every envelope member is equal as a string and the answers are
    /// structurally equal (member order ignored, `1` equal to `1.0`); a missing `deprecated_id` differs from any value.
    ///
    /// - Parameter submission: A validated submission.
    public init(of submission: borrowing Submission) {
        var state: UInt64 = 0x4654_5631  // "FTV1": the scheme's version, so a change of scheme changes every value
        // Parts mixed in this order (no array of them is built).
        state = ContentHasher.mix(state ^ ContentHasher.hash(submission.answers))
        state = ContentHasher.mix(state ^ (submission.deprecatedId.map(ContentHasher.hash(string:)) ?? ContentHasher.hash(.null)))
        state = ContentHasher.mix(state ^ ContentHasher.hash(string: submission.formId))
        state = ContentHasher.mix(state ^ ContentHasher.hash(string: submission.formVersion))
        state = ContentHasher.mix(state ^ ContentHasher.hash(string: submission.instanceId))
        state = ContentHasher.mix(state ^ ContentHasher.hash(string: submission.respondentId))
        state = ContentHasher.mix(state ^ ContentHasher.hash(string: submission.submittedAt))
        value = state
    }

    /// 16 lowercase hex digits.
    public var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Decodes 16 hex digits.
    ///
    /// - Parameter decoder: A decoder holding one string of exactly 16 hex digits, either case.
    /// - Throws: `DecodingError.dataCorrupted` for anything else.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.count == 16, let value = UInt64(text, radix: 16) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected 16 hex digits, got '\(text)'"))
        }
        self.value = value
    }

    /// Encodes 16 hex digits.
    ///
    /// - Parameter encoder: The encoder to write one string of 16 lowercase hex digits, zero-padded, to.
    /// - Throws: What the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The structural hash behind `ContentFingerprint`: 8 bytes of a string per mixing step, fixed
/// constants, so every build on every machine computes the same value (the tests pin values
/// computed independently in Python from this description):
///
/// - `mix(x)`: the SplitMix64 finaliser (`x ^= x >> 30; x *= 0xbf58476d1ce4e5b9; x ^= x >> 27;
///   x *= 0x94d049bb133111eb; x ^= x >> 31`).
/// - bytes: `h = 0x9e3779b97f4a7c15 ^ count`, then `h = mix(h ^ chunk)` for each 8-byte
///   little-endian chunk, the last one zero-padded.
/// - null `mix(1)`, false `mix(2)`, true `mix(3)`; an integral number below 2^53 in magnitude
///   `mix(4 ^ mix(Int64 bits))`, any other number `mix(5 ^ mix(Double bits))`; a string
///   `mix(6 ^ bytes)`.
/// - array: `h = mix(7 ^ count << 8)`, then `h = mix(h ^ element)` in order.
/// - object: `mix(mix(8 ^ count << 8) ^ Σ mix(bytes(name) ^ value &* 0x9e3779b97f4a7c15))`
///   (wrapping sum: the order of members does not matter).
enum ContentHasher {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hash(bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var k = 0
        while k + 8 <= count {
            h = mix(h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
            k += 8
        }
        if k < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while k < count {
                tail |= UInt64(bytes[k]) << shift
                shift += 8
                k += 1
            }
            h = mix(h ^ tail)
        }
        return h
    }

    static func hash(string: String) -> UInt64 { mix(6 ^ hash(name: string)) }

    static func hash(name: String) -> UInt64 {
        if let h = name.utf8.withContiguousStorageIfAvailable({ hash(bytes: UnsafeRawBufferPointer($0)) }) { return h }
        var copy = name
        return copy.withUTF8 { hash(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func hash(_ value: JSONValue) -> UInt64 {
        switch value {
        case .null: return mix(1)
        case .bool(let flag): return mix(flag ? 3 : 2)
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
                return mix(4 ^ mix(UInt64(bitPattern: Int64(number))))
            }
            return mix(5 ^ mix(number.bitPattern))
        case .string(let text): return hash(string: text)
        case .array(let elements):
            var h = mix(7 ^ UInt64(elements.count) << 8)
            for element in elements { h = mix(h ^ hash(element)) }
            return h
        case .object(let members):
            var sum: UInt64 = 0
            for (name, member) in members { sum &+= mix(hash(name: name) ^ (hash(member) &* 0x9E37_79B9_7F4A_7C15)) }
            return mix(mix(8 ^ UInt64(members.count) << 8) ^ sum)
        }
    }
}
