import FieldTallyTestKit
import Testing

@testable import SurveyEngine

@Suite struct JSONUTF8ValidatorTests {
    func firstInvalid(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { UTF8Validator.firstInvalidOffset(in: $0) }
    }

    @Test func acceptsWellFormedText() {
        #expect(firstInvalid([]) == nil)
        #expect(firstInvalid(Array("plain ASCII that is longer than eight bytes".utf8)) == nil)
        #expect(firstInvalid(Array("é € 😀 \u{10FFFF} \u{D7FF} \u{E000}".utf8)) == nil)
    }

    @Test(
        arguments: [
            ([0x80], 0),  // lone continuation byte
            ([0x41, 0xC0, 0x80], 1),  // overlong NUL
            ([0xC1, 0xBF], 0),  // overlong
            ([0xE0, 0x80, 0xAF], 0),  // overlong 3-byte
            ([0xED, 0xA0, 0x80], 0),  // UTF-16 surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0xF5, 0x80, 0x80, 0x80], 0),  // invalid lead
            ([0x41, 0x42, 0xE2, 0x82], 2),  // truncated sequence at the end
            ([0x92], 0),  // Windows-1252 quote, as in the sample
            ([0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0xFF], 9),  // after the ASCII fast path
        ] as [([UInt8], Int)]
    )
    func findsTheFirstBadByte(bytes: [UInt8], offset: Int) {
        #expect(firstInvalid(bytes) == offset)
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var random = ReferenceRandom(seed: 8259)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0..<24, using: &random)
            // Bias towards bytes that form (or nearly form) multi-byte sequences.
            let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x9F, 0x90, 0x8F]
            let bytes = (0..<count).map { _ in
                Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            let standard = String(validating: bytes, as: UTF8.self) != nil
            #expect((firstInvalid(bytes) == nil) == standard, "bytes \(bytes)")
        }
    }
}
