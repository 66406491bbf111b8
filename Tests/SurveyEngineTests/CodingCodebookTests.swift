import FieldTallyTestKit
import SurveyEngine
import Testing

/// Loading codebooks: the shipped one, and broken ones whose messages must say what to fix.
@Suite struct CodingCodebookTests {
    /// A small valid codebook; tests break one thing at a time.
    static let valid = """
        survey: demo
        version: "0.1"
        number_words: {twelve: 12}
        negation:
          cues:
            - id: neg.not
              phrases: [not]
        fields:
          - name: model
            sources: [answers.approaches.whole_system.description]
            codes:
              - code: signs_of_safety
                rules:
                  - id: sos.phrase
                    phrases: [signs of safety]
              - code: systemic_practice
                rules:
                  - id: systemic.phrase
                    phrases: [systemic]
              - code: multi_model
                rules:
                  - id: multi.implied
                    implied_by: {at_least: 2, of: [signs_of_safety, systemic_practice]}
          - name: evidence
            sources: [answers.approaches.*.evidence]
            codes:
              - code: family_feedback
                rules:
                  - id: family.phrase
                    phrases: [parents say]
        """

    private func message(_ yaml: String) -> String? {
        do {
            _ = try Codebook(yaml: yaml, source: "broken.yaml")
            return nil
        } catch {
            #expect(error.file == "broken.yaml")
            return error.message
        }
    }

    @Test func theShippedCodebookDeclaresTheDesignFieldsSourcesAndCodes() throws {
        let codebook = try Codebook(contentsOfFile: GoldCodes.codebookPath)
        #expect(codebook.survey == "wwc-csc-2018")
        #expect(!codebook.version.isEmpty)
        let expected: [String: (sources: [String], codes: [String])] = [
            "whole_system_model": (
                ["answers.approaches.whole_system.description"],
                ["signs_of_safety", "systemic_practice", "restorative_practice", "strengths_based", "relationship_based", "multi_model"]
            ),
            "edge_of_care_service": (
                ["answers.approaches.edge_of_care.description"],
                ["intensive_family_work", "multi_systemic_therapy", "targets_adolescents"]
            ),
            "early_help_type": (
                ["answers.approaches.early_help.description"],
                ["generalised_prevention", "targeted_family_support", "multi_agency_hub", "troubled_families_programme"]
            ),
            "fgc_timing": (
                ["answers.fgc_offer_point", "answers.approaches.family_group_conferencing.description"],
                ["early_stage", "pre_proceedings", "edge_of_care", "return_from_care", "flexible_offer"]
            ),
            "parenting_programme": (
                ["answers.approaches.parenting_programmes.description"],
                [
                    "triple_p", "incredible_years", "strengthening_families", "solihull", "mellow_parenting",
                    "family_nurse_partnership", "other_programme",
                ]
            ),
            "short_break_group": (["answers.approaches.short_breaks.description"], ["children_with_disabilities", "challenging_behaviour"]),
            "evidence_source": (
                ["answers.approaches.*.evidence"],
                [
                    "practitioner_view", "family_feedback", "independent_evaluation", "innovation_programme",
                    "comparison", "before_after", "performance_data",
                ]
            ),
        ]
        #expect(Set(codebook.fields.map(\.name)) == Set(expected.keys))
        for field in codebook.fields {
            let want = try #require(expected[field.name])
            #expect(field.sources == want.sources, "\(field.name) sources")
            #expect(Set(field.codes.filter(\.report).map(\.code)) == Set(want.codes), "\(field.name) reported codes")
        }
        #expect(codebook.field("edge_of_care_service")?.numbers.map(\.name) == ["duration_weeks"])
    }

    @Test func aValidCodebookCompilesAndCodesWithItsImpliedRule() throws {
        let coder = try Coder(yaml: Self.valid)
        let result = coder.code(
            answers: .object([
                "approaches": .object([
                    "whole_system": .object([
                        "description": .string("Signs of Safety and systemic practice."),
                        "evidence": .string("Parents say it works."),
                    ]),
                    "early_help": .object(["evidence": .string("parents SAY so too")]),
                ])
            ])
        )
        #expect(result.codebookVersion == "0.1")
        #expect(result.fields["model"]?.codes == ["multi_model", "signs_of_safety", "systemic_practice"])
        let implied = result.fields["model"]?.evidence.first { $0.code == "multi_model" }
        #expect(implied?.rule == "multi.implied")
        #expect(implied?.matched == "Signs of Safety and systemic")
        #expect(result.fields["evidence"]?.codes == ["family_feedback"])
        #expect(
            Set(result.fields["evidence"]?.evidence.map(\.source) ?? []) == [
                "answers.approaches.whole_system.evidence", "answers.approaches.early_help.evidence",
            ]
        )
    }

    @Test func unansweredFieldsArePresentAndNotAnswered() throws {
        let coder = try Coder(yaml: Self.valid)
        let result = coder.code(answers: .object(["approaches": .object(["whole_system": .object(["description": .string("   ")])])]))
        #expect(result.fields["model"] == CodedField(answered: false, codes: [], evidence: []))
        #expect(result.fields["evidence"]?.answered == false)
        #expect(result.numbers.isEmpty)
    }

    @Test func brokenYAMLNamesTheLine() throws {
        let text = try #require(message("survey: demo\nversion: \"1\"\nfields:\n  - name: x\n    sources: [answers.a\n"))
        #expect(text.contains("not valid YAML"))
        #expect(text.contains("line"))
    }

    @Test func anUnknownCodeInImpliedByIsNamedWithTheKnownCodes() throws {
        let text = try #require(
            message(
                Self.valid.replacingOccurrences(
                    of: "of: [signs_of_safety, systemic_practice]",
                    with: "of: [signs_of_safety, systemic]"
                )
            )
        )
        #expect(text.contains("unknown code 'systemic'"))
        #expect(text.contains("multi.implied"))
        #expect(text.contains("known codes: signs_of_safety, systemic_practice, multi_model"))
    }

    @Test func aRuleWithoutPhrasesIsRejected() throws {
        let text = try #require(message(Self.valid.replacingOccurrences(of: "phrases: [systemic]", with: "fuzzy: false")))
        #expect(text.contains("systemic.phrase"))
        #expect(text.contains("has no phrases"))
    }

    @Test func aMisspelledKeySuggestsTheRightOne() throws {
        let text = try #require(message(Self.valid.replacingOccurrences(of: "phrases: [systemic]", with: "phrase: [systemic]")))
        #expect(text.contains("unknown key 'phrase'"))
        #expect(text.contains("did you mean 'phrases'?"))
    }

    @Test func regexLikePatternsAreRejectedWithHowToWriteVariants() throws {
        let question = try #require(message(Self.valid.replacingOccurrences(of: "[signs of safety]", with: "[\"signs? of safety\"]")))
        #expect(question.contains("regular-expression"))
        #expect(question.contains("sos.phrase"))
        let star = try #require(message(Self.valid.replacingOccurrences(of: "[systemic]", with: "[\"system.*\"]")))
        #expect(star.contains("wildcard or regular expression"))
        let dot = try #require(message(Self.valid.replacingOccurrences(of: "[systemic]", with: "[systemic.practice]")))
        #expect(dot.contains("ends a sentence"))
    }

    @Test func badGapsAndNumbersInPhrasesAreExplained() throws {
        let gap = try #require(message(Self.valid.replacingOccurrences(of: "[systemic]", with: "[systemic ~x practice]")))
        #expect(gap.contains("'~x' is not a gap"))
        let leading = try #require(message(Self.valid.replacingOccurrences(of: "[systemic]", with: "[\"~2 systemic\"]")))
        #expect(leading.contains("may not start with a gap"))
        let number = try #require(message(Self.valid.replacingOccurrences(of: "[systemic]", with: "[\"aged #16..10\"]")))
        #expect(number.contains("lower bound"))
    }

    @Test func duplicateRuleIdsAreRejected() throws {
        let text = try #require(message(Self.valid.replacingOccurrences(of: "id: systemic.phrase", with: "id: sos.phrase")))
        #expect(text.contains("rule id 'sos.phrase' is already used"))
    }

    @Test func sourcePathsMustStartAtTheSubmissionRoot() throws {
        let text = try #require(
            message(
                Self.valid.replacingOccurrences(
                    of: "[answers.approaches.whole_system.description]",
                    with: "[approaches.whole_system.description]"
                )
            )
        )
        #expect(text.contains("starts at the submission root"))
    }

    @Test func aMissingVersionAndAnUnknownSentenceBreakAreExplained() throws {
        let version = try #require(message(Self.valid.replacingOccurrences(of: "version: \"0.1\"\n", with: "")))
        #expect(version.contains("'version' is required"))
        let breaks = try #require(
            message(Self.valid.replacingOccurrences(of: "survey: demo\n", with: "survey: demo\ntext: {sentence_breaks: [\"§\"]}\n"))
        )
        #expect(breaks.contains("'§' is not a mark"))
    }

    @Test func aCueForAnUndeclaredFieldIsRejected() throws {
        let text = try #require(message(Self.valid.replacingOccurrences(of: "phrases: [not]", with: "phrases: [not]\n      fields: [modle]")))
        #expect(text.contains("'modle'"))
        #expect(text.contains("known fields: model, evidence"))
    }

    @Test func codingAnUndeclaredFieldReturnsNil() throws {
        let coder = try Coder(yaml: Self.valid)
        #expect(coder.code(text: "signs of safety", field: "nope", source: "x") == nil)
        #expect(coder.code(text: "signs of safety", field: "model", source: "x")?.codes == ["signs_of_safety"])
    }
}
