import Testing

@testable import SurveyEngine

/// Fingerprints are stored in the changelog, so every build must compute the same value for the
/// same content: pinned against an independent computation (the scheme `ContentHasher`
/// documents, written again in a few lines of Python).
@Suite struct ContentFingerprintTests {
    @Test func escapesNumbersAndMemberOrderArePinned() {
        let answers = JSONValue.object([
            "text": .string("line one\nline \"two\" \\ tab\t and \u{1} é — ✓"),
            "n": .number(-42), "f": .number(12.5), "z": .number(0.1),
            "arr": .array([.bool(true), .null, .bool(false), .number(3)]),
            "B": .object(["y": .number(1), "x": .string("a")]),
        ])
        let submission = Submission(
            formId: "f",
            formVersion: "1",
            instanceId: "uuid:1",
            deprecatedId: "uuid:0",
            respondentId: "R\"1",
            submittedAt: "2020-01-01T00:00:00Z",
            answers: answers
        )
        #expect(ContentFingerprint(of: submission).description == "35b97e57af6b226e")
    }
}
