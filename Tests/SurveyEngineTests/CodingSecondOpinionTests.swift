import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The review queue's second opinion: a text the rules are sure of goes to review when the
/// codebook's model reads one of its field's codes clearly otherwise; the codes stay the rules'.
@Suite struct CodingSecondOpinionTests {
    private static let yaml = """
        survey: demo
        version: "1"
        review:
          second_opinion: opinion.json
          second_opinion_margin: 0.1
        fields:
          - name: model
            sources: [answers.approaches.*.description]
            codes:
              - code: restorative
                rules:
                  - {id: m.restorative, phrases: [restorative]}
              - code: systemic
                rules:
                  - {id: m.systemic, phrases: [systemic]}
        """

    /// A model over three stems ("restor", "their", "unit"), two single-word features and one pair:
    /// "their" speaks against restorative (weight -3), "restor" for it (+2), "unit" for systemic.
    private static let model = """
        {"format": 1, "texts": 10, "stems": ["restor", "their", "unit"],
         "forms": {"restorative": 0, "their": 1, "partnerships": 1, "units": 2, "unit": 2},
         "fields": {"model": {"features": [[0], [1], [2], [1, 0]], "idf": [1.0, 2.0, 1.0, 1.0],
           "codes": {"restorative": {"intercept": 0.0, "weights": [2.0, -3.0, 0.0, 0.0]},
                     "systemic": {"intercept": -1.0, "weights": [0.0, 0.0, 4.0, 0.0]}}}}}
        """

    /// A folder holding the demo codebook and `model` as its second opinion.
    private static func folder(model: String = model) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("second-opinion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try yaml.write(to: folder.appendingPathComponent("codebook.yaml"), atomically: true, encoding: .utf8)
        try model.write(to: folder.appendingPathComponent("opinion.json"), atomically: true, encoding: .utf8)
        return folder
    }

    private static func coder() throws -> Coder {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try Coder(codebook: Codebook(contentsOfFile: folder.appendingPathComponent("codebook.yaml").path))
    }

    private static func review(_ text: String, _ coder: Coder) -> [ReviewItem] {
        coder.code(answers: .object(["approaches": .object(["alpha": .object(["description": .string(text)])])])).review
    }

    @Test func aCodeTheModelFindsUnlikelyGoesToReviewAndStaysCoded() throws {
        let coder = try Self.coder()
        // "restorative" (idf 1) and "their" (idf 2), once each: unit length gives 1/√5 and 2/√5;
        // restorative: 2/√5 − 3·2/√5 = −1.789, probability 0.143.
        let text = "Health partners use restorative circles in their schools."
        let result = coder.code(answers: .object(["approaches": .object(["alpha": .object(["description": .string(text)])])]))
        #expect(result.fields["model"]?.codes == ["restorative"])
        let item = try #require(result.review.first)
        #expect(result.review.count == 1)
        #expect(item.reason == .secondOpinion)
        #expect(item.source == "answers.approaches.alpha.description")
        let candidate = try #require(item.candidates.first)
        #expect(item.candidates.count == 1)
        #expect(candidate.code == "restorative")
        #expect(candidate.status == "coded")
        #expect(candidate.rule == "second_opinion")
        #expect(candidate.matched == "their")
        #expect(candidate.why == "second opinion 0.14 for a coded code (below 0.40)")
        #expect(abs(candidate.confidence - 0.143) < 0.0005)
    }

    @Test func aCodeTheModelFindsLikelyButTheRulesDidNotIsSuggested() throws {
        // "restorative" and "units", idf 1 each: 1/√2 each. restorative 2/√2 = 1.414 (0.80, coded:
        // agreed); systemic −1 + 4/√2 = 1.828 (0.86), which the rules did not find.
        let items = Self.review("Restorative practice in small units.", try Self.coder())
        let item = try #require(items.first)
        #expect(items.count == 1)
        #expect(item.reason == .secondOpinion)
        #expect(item.candidates.map(\.code) == ["systemic"])
        #expect(item.candidates.first?.status == "suggested")
        #expect(item.candidates.first?.matched == "unit")
        #expect(item.candidates.first?.why == "second opinion 0.86 for a code not found (above 0.60)")
    }

    /// The model's words share the codebook's lexicon table, which compares a word longer than
    /// eight bytes in whole: "partnerships" is a form of "their", "partnership" (same first eight
    /// bytes) is no form at all.
    @Test func aLongWordOnlyTheModelKnowsIsMatchedWhole() throws {
        let coder = try Self.coder()
        // As "their" in the first test: restorative 0.143.
        let items = Self.review("Restorative circles run by partnerships.", coder)
        #expect(items.map(\.reason) == [.secondOpinion])
        #expect(items.first?.candidates.first?.matched == "their")
        #expect(items.first?.candidates.first?.why == "second opinion 0.14 for a coded code (below 0.40)")
        // "restorative" alone: 0.881 for the coded code, no disagreement.
        #expect(Self.review("Restorative circles run by a partnership.", coder).isEmpty)
    }

    /// A text without a code is reviewed as `no_code` whatever the model says: the second opinion
    /// only questions texts the rules are sure of.
    @Test func aTextWithoutACodeStaysNoCode() throws {
        let items = Self.review("Practice is organised in small units with a clinician.", try Self.coder())
        #expect(items.map(\.reason) == [.noCode])
    }

    @Test func aTextTheModelReadsAsTheRulesDidIsNotReviewed() throws {
        // "restorative" alone: 2, probability 0.881 for a coded code; systemic −1, 0.269 for an uncoded one.
        #expect(Self.review("Restorative practice across the service.", try Self.coder()).isEmpty)
    }

    @Test func aModelNamingACodeTheCodebookLacksIsRefusedWithItsName() throws {
        let folder = try Self.folder(model: Self.model.replacingOccurrences(of: "\"systemic\": {", with: "\"hackney\": {"))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try Coder(codebook: Codebook(contentsOfFile: folder.appendingPathComponent("codebook.yaml").path))
        } throws: { error in
            "\(error)".contains("field model has no reported code 'hackney'")
        }
    }

    @Test func aMissingModelFileIsNamed() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("opinion.json"))
        #expect {
            try Codebook(contentsOfFile: folder.appendingPathComponent("codebook.yaml").path)
        } throws: { error in
            "\(error)".contains("opinion.json") && "\(error)".contains("second-opinion model")
        }
    }

    /// The shipped model was trained on the sample among other sets: it agrees with the rules there,
    /// so the sample's review queue is what the rules alone raise.
    @Test func theShippedModelRaisesNothingOnTheSample() throws {
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path, formId: "wwc-csc-2018")
        var reasons: [ReviewItem.Reason: Int] = [:]
        for message in try SampleStream.load().messages {
            guard case .valid(let submission) = survey.validator.validate(message.value) else { continue }
            for item in survey.coder.code(submission: submission).review { reasons[item.reason, default: 0] += 1 }
        }
        #expect(reasons[.secondOpinion] == nil, "\(reasons)")
        #expect(reasons.values.reduce(0, +) > 0)
    }
}
