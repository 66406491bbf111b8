import FieldTallyTestKit
import Testing

@testable import SurveyEngine

/// Hostile and broken input: the validator never traps, and whatever it rejects as invalid comes
/// with at least one problem whose pointer names a real place in the message.
@Suite struct ValidationRobustnessTests {
    let validator: Validator
    let validLines: [[UInt8]]

    init() throws {
        let (instrument, frame) = try SampleStream.loadInstrument()
        let validator = Validator(instrument: instrument, frame: frame)
        self.validator = validator
        validLines = try SampleStream.load().messages.map(\.value).filter { validator.validate($0).submission != nil }
    }

    /// Checks the invariants of one outcome; returns whether it was rejected as invalid.
    @discardableResult
    func checkInvariants(_ bytes: [UInt8], _ context: @autoclosure () -> String) -> Bool {
        let outcome = validator.validate(bytes)
        guard case .rejected(let rejection) = outcome, rejection.reason == .invalid else { return false }
        #expect(!rejection.problems.isEmpty, "\(context()): an invalid message must say why")
        guard let document = try? JSONParser().parse(bytes) else {
            #expect(rejection.problems.allSatisfy { $0.pointer.isEmpty }, "\(context()): unparseable input has whole-message problems")
            return true
        }
        for problem in rejection.problems {
            // A missing member's pointer names its parent's child; anything else names a value that is there.
            let tokens = JSONPointer.tokens(problem.pointer)
            #expect(tokens != nil, "\(context()): \(problem.pointer) is not an RFC 6901 pointer")
            let located =
                problem.code == .required
                ? document.value(atPointer: JSONPointer.make(Array((tokens ?? []).dropLast()))) != nil
                : document.value(atPointer: problem.pointer) != nil
            #expect(located, "\(context()): \(problem.pointer) \(problem.code) does not point into the message")
        }
        return true
    }

    @Test func validSampleLinesAreTheBaseline() {
        // 88 lines − 11 invalid − 3 unknown respondents.
        #expect(validLines.count == 74)
    }

    @Test func randomBytesAreRejectedWithAProblem() {
        var random = ReferenceRandom(seed: 1)
        for n in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(checkInvariants(bytes, "random message \(n)"), "random message \(n) was not rejected as invalid")
        }
    }

    @Test func everyTruncationOfAValidSubmissionIsInvalidJSON() {
        for (n, line) in validLines.prefix(6).enumerated() {
            for length in 0..<line.count {
                let outcome = validator.validate(Array(line[0..<length]))
                #expect(outcome.rejection?.problems.map(\.code) == [.invalidJSON], "valid line \(n) cut to \(length) bytes")
            }
        }
    }

    @Test func mutatedSubmissionsNeverCrashAndExplainRejections() {
        var random = ReferenceRandom(seed: 2)
        let interesting: [UInt8] = Array("{}[]\",:\\0123456789-+.eEtrufalsn \t\n".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]
        var rejected = 0
        for n in 0..<4_000 {
            var bytes = validLines[n % validLines.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                let byte = interesting.randomElement(using: &random)!
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: bytes.remove(at: at)
                }
            }
            if checkInvariants(bytes, "mutation \(n)") { rejected += 1 }
        }
        #expect(rejected > 2_000, "most random mutations break a submission")
    }

    @Test func structuralMutationsOfAnswersGiveLocatedProblems() throws {
        // Replace each answer value in turn by values of every other JSON type.
        let document = try JSONParser().parse(validLines[0])
        let replacements: [JSONValue] = [.null, .bool(true), .number(-1e300), .string(""), .array([.object([:])]), .object(["x": .array([])])]
        let answers = try #require(document["answers"]?.objectValue)
        for name in answers.keys.sorted() {
            for replacement in replacements {
                var mutated = document
                mutated.set(["answers", name], replacement)
                checkInvariants(JSONWriter().bytes(mutated), "answers.\(name) = \(replacement)")
            }
        }
    }

    @Test func deepNestingIsAProblemNotAStackOverflow() {
        let deep = Array(#"{"answers":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 500_000)
        let rejection = validator.validate(deep).rejection
        #expect(rejection?.problems.map(\.code) == [.invalidJSON])
        #expect(rejection?.problems.first?.message.contains("deeper than 64") == true)
        let deepButBalanced =
            Array(#"{"answers":{"x":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 70)
            + [UInt8](repeating: UInt8(ascii: "]"), count: 70) + Array("}}".utf8)
        #expect(validator.validate(deepButBalanced).rejection?.problems.map(\.code) == [.invalidJSON])
    }

    @Test func aTenMegabyteTextIsTooLarge() throws {
        let huge = String(repeating: "Signs of Safety. ", count: 620_000)  // ≈ 10.5 MB
        var document = try JSONParser().parse(validLines[0])
        document.set(["answers", "fgc_offer_point"], .string(huge))
        let bytes = JSONWriter().bytes(document)
        #expect(bytes.count > 10_000_000)
        // Over the message cap: rejected before parsing.
        #expect(validator.validate(bytes).rejection?.problems.map(\.code) == [.tooLarge])
        // With a message cap that lets it through, the text cap catches it, at the text.
        var roomy = validator.instrument
        roomy.limits.messageBytes = 16 << 20
        let lenient = Validator(instrument: roomy, frame: validator.frame)
        let problems = lenient.validate(bytes).rejection?.problems ?? []
        #expect(problems.map(\.pointer) == ["/answers/fgc_offer_point"])
        #expect(problems.map(\.code) == [.tooLarge])
    }

    @Test func hugeNumbersAndStringsInUnexpectedPlacesAreHandled() {
        let cases = [
            #"{"form_id":1e308,"answers":{"top_approaches":[1e-320]}}"#,
            #"{"form_id":"wwc-csc-2018","answers":{"approaches":{"whole_system":{"introduced_year":-0}}}}"#,
            #"{"answers":{"top_approaches":"\u0000\ud83d\ude00"}}"#,
            #"{"":{"":{"":null}},"answers":{"":[]}}"#,
            "\"" + String(repeating: "\\u0041", count: 100_000) + "\"",
        ]
        for (n, text) in cases.enumerated() {
            #expect(checkInvariants(Array(text.utf8), "case \(n)"), "case \(n) must be rejected as invalid")
        }
    }

    @Test func aFloodOfProblemsIsCappedAndSaysSo() throws {
        var document = try JSONParser().parse(validLines[0])
        document.set(["answers", "top_approaches"], .array((0..<50_000).map { .string("code\($0)") }))
        let problems = try #require(validator.validate(JSONWriter().bytes(document)).rejection?.problems)
        #expect(problems.count == 100)
        #expect(problems.last?.message.hasSuffix("further problems were found and not listed)") == true)
    }
}
