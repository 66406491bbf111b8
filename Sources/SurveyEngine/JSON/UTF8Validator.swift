/// Strict UTF-8 validation of raw bytes (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
///
/// Runs before JSON parsing so a message with bad bytes is reported as `invalid_utf8` rather than as
/// a JSON syntax problem. ASCII runs are checked 32 (then eight) bytes at a time.
public enum UTF8Validator {
    /// The byte offset of the first byte that does not start or continue a well-formed UTF-8
    /// sequence, or `nil` when all of `bytes` is valid UTF-8 (the empty buffer is valid).
    ///
    /// Checks the Unicode well-formed byte sequences table: overlong encodings (`C0`, `C1`, `E0 80`..,
    /// `F0 80`..), surrogates (`ED A0`..`ED BF`), lead bytes above `F4` and sequences cut off by the
    /// end of the buffer are all invalid.
    /// - Parameter bytes: The bytes to check, read in place.
    /// - Returns: The offset of the lead byte of the first ill-formed sequence (not of the bad
    ///   continuation byte inside it), or `nil` when all bytes are valid.
    public static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        var i = 0
        while i < count {
            // Fast paths: 32 ASCII bytes at once (four words or'ed: one test), then eight.
            if i &+ 32 <= count {
                let p = UnsafeRawPointer(base + i)
                let any =
                    p.loadUnaligned(as: UInt64.self) | p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if any & 0x8080_8080_8080_8080 == 0 {
                    i &+= 32
                    continue
                }
            }
            if i &+ 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i &+= 8
                    continue
                }
            }
            let lead = base[i]
            if lead < 0x80 {
                i &+= 1
                continue
            }
            // Unicode Table 3-7, well-formed UTF-8 byte sequences.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return i
            }
            guard i &+ length <= count else { return i }
            let second = base[i &+ 1]
            guard second >= low && second <= high else { return i }
            var k = 2
            while k < length {
                guard base[i &+ k] & 0xC0 == 0x80 else { return i }
                k &+= 1
            }
            i &+= length
        }
        return nil
    }

    /// Whether all of `bytes` is well-formed UTF-8.
    /// - Parameter bytes: The bytes to check, read in place; the empty buffer is valid.
    /// - Returns: `true` when `firstInvalidOffset(in:)` finds nothing.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstInvalidOffset(in: bytes) == nil
    }
}
