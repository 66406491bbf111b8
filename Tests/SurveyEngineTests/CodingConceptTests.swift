import Foundation
import SurveyEngine
import Testing

/// The matcher's generalising parts on a small codebook: concepts matched by stem, co-occurrence
/// in one sentence, the abbreviation lexicon, scope cues with a kind, confidence and review items.
@Suite struct CodingConceptTests {
    private static let yaml = """
        survey: demo
        version: "1"
        concepts:
          prevention: [prevention]
          universality: [universal, all families, population wide]
          practitioner: [social worker, practitioner]
          reporting: [report, feedback]
        abbreviations:
          SW: social worker
          SWs: social workers
        negation:
          forward_stops: [now, we, but]
          cues:
            - {id: scope.past, kind: past, phrases: [previously]}
            - {id: scope.rejected, kind: rejected, phrases: [considered]}
            - {id: neg.not, phrases: [not]}
        review: {min_confidence: 0.8}
        fields:
          - name: help
            sources: [answers.help]
            codes:
              - code: generalised_prevention
                rules:
                  - {id: p.together, together: [prevention, universality]}
                  - {id: p.offer, phrases: ["@prevention offer"]}
                exclude: [universal credit]
              - code: practitioner_view
                rules:
                  - {id: v.practitioner, phrases: ["@practitioner ~2 @reporting"]}
              - code: hub
                rules:
                  - {id: h.hub, phrases: [hub], confidence: 0.5}
              - code: venue
                rules:
                  - {id: v.centre, phrases: [centre], review_only: true}
              - code: restorative
                rules:
                  - {id: r.restorative, phrases: [restorative]}
              - code: signs_of_safety
                rules:
                  - {id: s.sos, phrases: [signs of safety]}
        """

    private let coder: Coder

    init() throws {
        coder = try Coder(yaml: Self.yaml)
    }

    private func code(_ text: String) throws -> CodedText {
        try #require(coder.code(text: text, field: "help", source: "answers.help"))
    }

    @Test func aConceptWordMatchesItsOtherWordFormsByStem() throws {
        let coded = try code("A preventative offer runs in every school.")
        #expect(coded.codes == ["generalised_prevention"])
        #expect(coded.evidence.map(\.rule) == ["p.offer"])
        #expect(coded.evidence.map(\.matched) == ["preventative offer"])
    }

    @Test func twoConceptsInOneSentenceAssignTheCoOccurrenceCode() throws {
        let coded = try code("We run population-wide prevention through schools.")
        #expect(coded.codes == ["generalised_prevention"])
        #expect(coded.evidence.first?.rule == "p.together")
        #expect(coded.evidence.first?.matched == "population-wide prevention")
        #expect(coded.review == nil, "a full-confidence code does not go to review")
    }

    @Test func conceptsInDifferentSentencesDoNotCoOccur() throws {
        let coded = try code("Prevention matters to us. Our offer is universal.")
        #expect(coded.codes.isEmpty)
        #expect(coded.review?.reason == .noCode)
    }

    @Test func anExclusionOfTheCodeRemovesAConceptMention() throws {
        let coded = try code("Prevention work for families on universal credit.")
        #expect(coded.codes.isEmpty)
    }

    @Test func anAbbreviationWrittenInItsCaseMatchesAsItsExpansion() throws {
        let coded = try code("SWs report that families engage better.")
        #expect(coded.codes == ["practitioner_view"])
        #expect(coded.evidence.first?.matched == "SWs report", "the evidence shows the words as written")
        #expect(try code("sws report that it works.").codes.isEmpty, "the abbreviation only matches in the case listed")
    }

    @Test func pastAndRejectedOptionsAreCancelledAndSayWhy() throws {
        let past = try code("Previously Signs of Safety; now restorative practice.")
        #expect(past.codes == ["restorative"])
        #expect(past.negatedCodes == ["signs_of_safety"])
        let review = try #require(past.review, "a cancelled code sends the text to review")
        #expect(review.reason == .cancelled)
        #expect(review.candidates.map(\.code) == ["signs_of_safety"])
        #expect(review.candidates.first?.why == "cancelled by scope.past (past)")

        let rejected = try code("Although we considered signs of safety, we chose restorative practice.")
        #expect(rejected.codes == ["restorative"])
        #expect(rejected.review?.candidates.first?.why == "cancelled by scope.rejected (rejected)")
    }

    @Test func aLowConfidenceCodeIsCodedAndGoesToReviewWithItsConfidence() throws {
        let coded = try code("Requests come through the hub.")
        #expect(coded.codes == ["hub"])
        #expect(coded.evidence.first?.confidence == 0.5)
        let review = try #require(coded.review)
        #expect(review.reason == .lowConfidence)
        #expect(review.candidates.map(\.status) == ["coded"])
        #expect(review.text == "Requests come through the hub.")
    }

    @Test func aReviewOnlyRuleSuggestsItsCodeWithoutCodingIt() throws {
        let coded = try code("Sessions run in the centre.")
        #expect(coded.codes.isEmpty)
        let review = try #require(coded.review)
        #expect(review.candidates.map(\.code) == ["venue"])
        #expect(review.candidates.map(\.status) == ["suggested"])
        let withCode = coder.code(answers: .object(["help": .string("Restorative work in the centre.")]))
        #expect(withCode.fields["help"]?.codes == ["restorative"])
        #expect(withCode.review.map(\.reason) == [.lowConfidence], "a suggestion in a coded field is reviewed as low confidence")
    }

    @Test func aWholeSubmissionListsItsReviewItemsAndAnsweredFieldsWithoutCodes() throws {
        let answers = JSONValue.object(["help": .string("We hold meetings with families.")])
        let result = coder.code(answers: answers)
        #expect(result.fields["help"]?.codes == [])
        #expect(result.review.map(\.reason) == [.noCode])
        #expect(result.review.first?.source == "answers.help")
        let sure = coder.code(answers: .object(["help": .string("Restorative practice across the service.")]))
        #expect(sure.review.isEmpty)
    }

    @Test func unknownConceptsAndBadConfidencesAreRejectedWithThePlace() {
        #expect(throws: SurveyDefinitionError.self) {
            try Coder(yaml: Self.yaml.replacingOccurrences(of: "\"@prevention offer\"", with: "\"@preventon offer\""))
        }
        do {
            _ = try Coder(yaml: Self.yaml.replacingOccurrences(of: "confidence: 0.5", with: "confidence: 1.5"))
            Issue.record("a confidence above 1 must be rejected")
        } catch {
            #expect(error.message.contains("h.hub") && error.message.contains("confidence"))
        }
    }
}
