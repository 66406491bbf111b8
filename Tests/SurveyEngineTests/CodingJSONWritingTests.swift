import FieldTallyTestKit
import Testing

@testable import SurveyEngine

/// `tally-code` writes codings with `CodingResult.writeJSON(into:)`; readers parse them as the
/// JSON form of `jsonValue`. The bytes must be exactly what `JSONWriter` makes of `jsonValue`.
@Suite struct CodingJSONWritingTests {
    @Test func directWritingEqualsTheWriterOfTheJSONValue() throws {
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018").path)
        var compared = 0
        for message in try SampleStream.load().messages {
            guard let submission = survey.validator.validate(message.value).submission else { continue }
            let coding = survey.coder.code(submission: submission)
            var direct: [UInt8] = []
            coding.writeJSON(into: &direct)
            #expect(direct == JSONWriter().bytes(coding.jsonValue), "line \(message.line)")
            compared += 1
        }
        #expect(compared > 50)
    }

    @Test func escapesNumbersAndReviewItemsMatchTheWriter() {
        let evidence = Evidence(code: "c\"1", rule: "r\\1", source: "answers.a\nb", start: 0, end: 12, matched: "ünïcode \u{1}")
        let coding = CodingResult(
            codebookVersion: "v/1",
            fields: [
                "b": CodedField(answered: false, codes: [], evidence: []),
                "a": CodedField(answered: true, codes: ["x", "y"], evidence: [evidence]),
            ],
            numbers: ["weeks": CodedNumber(value: 12.5, evidence: evidence), "n": CodedNumber(value: 13, evidence: evidence)],
            review: [
                ReviewItem(field: "a", source: "answers.a", text: "plain", reason: .noCode, candidates: []),
                ReviewItem(
                    field: "a\"b",
                    source: "answers.a\tb",
                    text: "ünï \u{1} \\ \"",
                    reason: .lowConfidence,
                    candidates: [
                        .init(code: "x\"", rule: "r\n", matched: "ïn\u{7}", status: "coded", why: "confidence 0.55 is below 0.8", confidence: 0.55),
                        .init(code: "y", rule: "r2", matched: "m", status: "cancelled", why: "cancelled by n (past)"),
                    ]
                ),
            ]
        )
        var direct: [UInt8] = []
        coding.writeJSON(into: &direct)
        #expect(String(decoding: direct, as: UTF8.self) == JSONWriter().string(coding.jsonValue))
    }
}
