import FieldTallyTestKit
import SurveyEngine
import Testing

/// What sends a text to review, judged per answered text: a text without a code while another text
/// of its field was coded, a sentence of a coded text that no rule explains but that speaks the
/// field's vocabulary, and codes that rest on a weak signal.
@Suite struct CodingReviewTriggerTests {
    private static let yaml = """
        survey: demo
        version: "1"
        concepts:
          family_member: [parent, family, carer]
          telling: [tell, report, say]
        negation:
          cues:
            - {id: neg.not, phrases: [not]}
        review:
          min_confidence: 0.8
          clause_fields: [evidence]
          clause_breaks: [","]
          common_words: [in, the, of]
          number_fields: [evidence]
          misspelling_confidence: 0.7
          scoped_sentence_confidence: 0.6
          doubt_phrases: [trialled]
        fields:
          - name: evidence
            sources: [answers.approaches.*.evidence]
            codes:
              - code: family_feedback
                rules:
                  - {id: e.family, phrases: ["@family_member ~2 @telling", "@family_member feedback"]}
              - code: outcome_data
                rules:
                  - {id: e.outcomes, phrases: [outcome data, reduction in referrals]}
        """

    private let coder: Coder

    /// The demo codebook with `lines` added after the outcome_data rule (more rules, or code keys).
    private static func yaml(afterOutcomes lines: String) -> String {
        let rule = "          - {id: e.outcomes, phrases: [outcome data, reduction in referrals]}"
        return yaml.replacingOccurrences(of: rule, with: rule + "\n" + lines)
    }

    /// Codes one text as an evidence answer.
    private static func evidence(_ text: String, with coder: Coder) throws -> CodedText {
        try #require(coder.code(text: text, field: "evidence", source: "answers.approaches.alpha.evidence"))
    }

    init() throws {
        coder = try Coder(yaml: Self.yaml)
    }

    /// Codes one respondent's evidence answers, keyed by approach.
    private func code(_ answers: [String: String]) -> CodingResult {
        coder.code(
            answers: .object([
                "approaches": .object(answers.mapValues { .object(["evidence": .string($0)]) })
            ])
        )
    }

    @Test func anUncodedTextGoesToReviewWhenAnotherTextOfItsFieldWasCoded() {
        let result = code([
            "alpha": "Parents tell us the groups help them.",
            "beta": "The panel looked at it last spring.",
        ])
        #expect(result.fields["evidence"]?.codes == ["family_feedback"])
        #expect(result.review.map(\.source) == ["answers.approaches.beta.evidence"])
        #expect(result.review.map(\.reason) == [.uncodedText])
        #expect(result.review.first?.text == "The panel looked at it last spring.")
    }

    @Test func textsThatAreAllCodedLeaveNothingInReviewAndAFieldWithoutCodesIsNoCode() {
        let coded = code([
            "alpha": "Parents tell us the groups help them.",
            "beta": "A reduction in referrals since 2016.",
        ])
        #expect(coded.fields["evidence"]?.codes == ["family_feedback", "outcome_data"])
        #expect(coded.review.isEmpty)

        let uncoded = code(["alpha": "Nothing formal yet.", "beta": "Ask the panel."])
        #expect(uncoded.review.map(\.reason) == [.noCode, .noCode])
    }

    /// Codes one evidence text on its own.
    private func code(_ text: String) throws -> CodedText {
        try #require(coder.code(text: text, field: "evidence", source: "answers.approaches.alpha.evidence"))
    }

    @Test func aClauseWithTheFieldsVocabularyThatNoRuleMatchedSendsACodedTextToReview() throws {
        let figure = try code("Parents tell us the groups help them, and referrals to the panel fell by 20%.")
        #expect(figure.codes == ["family_feedback"])
        #expect(figure.review?.reason == .uncodedClause, "a figure is evidence vocabulary")
        let words = try code("Carers say it helps; the outcome figures are due.")
        #expect(words.codes == ["family_feedback"])
        #expect(words.review?.reason == .uncodedClause, "'outcome' is a word of the field's rules")
    }

    @Test func aCodedTextWhoseOtherClausesSayNothingOfTheFieldStaysOutOfReview() throws {
        let coded = try code("Parents tell us the groups help them, which is lovely to hear.")
        #expect(coded.codes == ["family_feedback"])
        #expect(coded.review == nil)
        #expect(try code("Parents tell us the groups help them.").review == nil, "one clause is explained by its code")
    }

    @Test func aCodeMatchedThroughAMisspellingIsCodedWithLowConfidenceAndReviewed() throws {
        let misspelt = try code("A reducton in referrals.")
        #expect(misspelt.codes == ["outcome_data"])
        #expect(misspelt.evidence.first?.confidence == 0.7)
        let review = try #require(misspelt.review)
        #expect(review.reason == .lowConfidence)
        #expect(review.candidates.first?.why.contains("misspelling") == true)
        let exact = try code("A reduction in referrals.")
        #expect(exact.evidence.first?.confidence == 1)
        #expect(exact.review == nil)
    }

    @Test func aCodeInASentenceWithADoubtPhraseIsCodedWithLowConfidenceAndReviewed() throws {
        let trial = try code("Parent feedback forms were trialled in one team.")
        #expect(trial.codes == ["family_feedback"])
        #expect(trial.review?.reason == .lowConfidence)
        #expect(trial.review?.candidates.first?.confidence == 0.6)
        #expect(try code("Parent feedback forms in every team.").review == nil)
        #expect(try code("Parent feedback is positive, though not yet written up.").review == nil, "a plain negation is no doubt")
    }

    @Test func theShippedCodebookKeepsAComparisonWithStatisticalNeighboursConfident() throws {
        let shipped = try Coder(codebook: Codebook(contentsOfFile: GoldCodes.codebookPath))
        let compared = try #require(
            shipped.code(text: "We benchmark against our statistical neighbours.", field: "evidence_source", source: "answers.x.evidence")
        )
        #expect(compared.codes == ["comparison"])
        #expect(compared.review == nil)
        let trial = try #require(
            shipped.code(text: "Signs of Safety was trialled in one locality.", field: "whole_system_model", source: "answers.x.description")
        )
        #expect(trial.codes == ["signs_of_safety"])
        #expect(trial.review?.reason == .lowConfidence, "a trial puts the code in doubt")
    }

    /// The demo codebook with the settings that settle texts: empty answers, no review for a code
    /// cancelled beside sure codes, and second texts without the field's words.
    private static let settling = try! Coder(
        yaml: yaml.replacingOccurrences(
            of: "  doubt_phrases: [trialled]",
            with: """
                  doubt_phrases: [trialled]
                  empty_answers: [n/a, too early to say, no formal evaluation]
                  cancelled_beside_code: false
                  uncoded_text_without_vocabulary: false
                """
        )
    )

    @Test func anAnswerThatSaysItHasNothingToCodeIsSettledUnlessItAlsoSpeaksTheFieldsWords() throws {
        func settled(_ text: String) throws -> CodedText { try Self.evidence(text, with: Self.settling) }
        for text in ["N/A", "Too early to say.", "No formal evaluation yet."] {
            let result = try settled(text)
            #expect(result.answered)
            #expect(result.codes.isEmpty)
            #expect(result.review == nil, "\(text) says there is nothing to code")
            #expect(try code(text).review?.reason == .noCode, "without empty_answers \(text) is reviewed")
        }
        #expect(try settled("No formal evaluation, but outcome figures are collected.").review?.reason == .noCode, "'outcome' is the field's word")
        #expect(try settled("Too early to say: 40 families so far.").review?.reason == .noCode, "a figure is evidence vocabulary here")
        #expect(try settled("Nothing to report.").review?.reason == .noCode, "no empty-answer phrase")
    }

    @Test func aCodeCancelledBesideSureCodesIsReviewedOnlyWhenTheCodebookAsks() throws {
        let text = "Parent feedback forms, not outcome data."
        let asked = try code(text)
        #expect(asked.codes == ["family_feedback"])
        #expect(asked.review?.reason == .cancelled)
        let settled = try Self.evidence(text, with: Self.settling)
        #expect(settled.codes == ["family_feedback"])
        #expect(settled.review == nil)
        let alone = try Self.evidence("Not outcome data.", with: Self.settling)
        #expect(alone.review?.candidates.map(\.status) == ["cancelled"], "a cancelled code with nothing found is still reviewed")
    }

    @Test func aSecondTextWithoutTheFieldsWordsIsSettledWhenTheCodebookSaysSo() {
        let answers: JSONValue = .object([
            "approaches": .object([
                "alpha": .object(["evidence": .string("Parents tell us the groups help them.")]),
                "beta": .object(["evidence": .string("The panel met last spring.")]),
                "gamma": .object(["evidence": .string("Referrals fell by 20%.")]),
            ])
        ])
        let settled = Self.settling.code(answers: answers)
        #expect(settled.fields["evidence"]?.codes == ["family_feedback"])
        #expect(settled.review.map(\.source) == ["answers.approaches.gamma.evidence"], "a figure is the field's vocabulary")
        #expect(settled.review.map(\.reason) == [.uncodedText])
        #expect(coder.code(answers: answers).review.count == 2)
    }

    @Test func codesThatCodersConfuseFoundInOneSentenceAreCodedWithLowConfidenceAndReviewed() throws {
        let confusing = try Coder(
            yaml: Self.yaml(afterOutcomes: "        confused_with: [family_feedback]")
                .replacingOccurrences(of: "  doubt_phrases: [trialled]", with: "  doubt_phrases: [trialled]\n  confused_confidence: 0.65")
        )
        func coded(_ text: String) throws -> CodedText { try Self.evidence(text, with: confusing) }
        let together = try coded("Parent feedback and outcome data.")
        #expect(together.codes == ["family_feedback", "outcome_data"])
        #expect(together.evidence.map(\.confidence) == [0.65, 0.65], "confused_with works both ways")
        #expect(together.review?.reason == .lowConfidence)
        #expect(together.review?.candidates.first?.why.contains("confused with") == true)
        let apart = try coded("Parent feedback. Outcome data too.")
        #expect(apart.codes == ["family_feedback", "outcome_data"])
        #expect(apart.review == nil, "in separate sentences neither is in doubt")
        #expect(throws: SurveyDefinitionError.self) {
            try Coder(yaml: Self.yaml(afterOutcomes: "        confused_with: [family_feedbak]"))
        }
    }

    @Test func aReviewOnlyTogetherRuleSuggestsItsCodeWithoutCodingIt() throws {
        let suggesting = try Coder(
            yaml: Self.yaml(afterOutcomes: "          - {id: e.outcomes.told, together: [family_member, telling], review_only: true}")
        )
        func coded(_ text: String) throws -> CodedText { try Self.evidence(text, with: suggesting) }
        let suggested = try coded("Carers in the weekly groups often report it.")
        #expect(suggested.codes.isEmpty, "a review_only rule never codes, together or not")
        let candidate = try #require(suggested.review?.candidates.first { $0.code == "outcome_data" })
        #expect(candidate.status == "suggested")
        #expect(candidate.rule == "e.outcomes.told")
        let apart = try coded("Carers in the weekly groups. They often report it.")
        #expect(apart.review?.candidates.contains { $0.code == "outcome_data" } != true, "the concepts are in two sentences")
    }

    @Test func aRuleThatYieldsToACodeFoundInItsSentenceOnlySuggestsItsCode() throws {
        let yaml = """
            survey: demo
            version: "1"
            fields:
              - name: evidence
                sources: [answers.approaches.*.evidence]
                codes:
                  - code: performance_data
                    rules:
                      - {id: p.figures, phrases: [re referrals], yields_to: [before_after]}
                      - {id: p.dashboard, phrases: [dashboard]}
                  - code: before_after
                    rules:
                      - {id: b.since, phrases: [since ~3 introduced]}
            """
        let coder = try Coder(yaml: yaml)
        func coded(_ text: String) throws -> CodedText { try Self.evidence(text, with: coder) }
        let compared = try coded("Re-referrals fell since the model was introduced.")
        #expect(compared.codes == ["before_after"], "the figures are what the before/after compares")
        let candidate = try #require(compared.review?.candidates.first { $0.code == "performance_data" })
        #expect(candidate.status == "suggested")
        #expect(candidate.why == "p.figures yields to before_after in the same sentence")
        #expect(try coded("Re-referrals are down this year.").codes == ["performance_data"], "nothing to yield to")
        #expect(try coded("Re-referrals are down. Outcomes improved since the hub was introduced.").codes == ["before_after", "performance_data"])
        let both = try coded("Re-referrals fell since the model was introduced, as the dashboard shows.")
        #expect(both.codes == ["before_after", "performance_data"], "another rule of the code does not yield")
        for (list, problem) in [("[before_afte]", "unknown code"), ("[performance_data]", "its own code")] {
            #expect(throws: SurveyDefinitionError.self, "yields_to naming \(problem)") {
                try Coder(yaml: yaml.replacingOccurrences(of: "yields_to: [before_after]", with: "yields_to: \(list)"))
            }
        }
    }

    @Test func reviewSettingsThatNameNoFieldOrAConfidenceOutOfRangeAreRejected() {
        #expect(throws: SurveyDefinitionError.self) {
            try Coder(yaml: Self.yaml.replacingOccurrences(of: "clause_fields: [evidence]", with: "clause_fields: [evidense]"))
        }
        #expect(throws: SurveyDefinitionError.self) {
            try Coder(yaml: Self.yaml.replacingOccurrences(of: "misspelling_confidence: 0.7", with: "misspelling_confidence: 0"))
        }
    }
}
