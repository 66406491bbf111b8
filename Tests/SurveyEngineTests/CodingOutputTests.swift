import FieldTallyTestKit
import SurveyEngine
import Testing

/// Results are deterministic, safe to compute concurrently, and summarise compactly.
@Suite struct CodingOutputTests {
    private func coder() throws -> Coder { try Coder(codebook: Codebook(contentsOfFile: GoldCodes.codebookPath)) }

    /// The same answers with object members inserted in another order (and another capacity,
    /// which changes dictionary iteration order).
    private func reordered(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var copy = [String: JSONValue](minimumCapacity: 97)
            for key in members.keys.sorted(by: >) { copy[key] = reordered(members[key]!) }
            return .object(copy)
        case .array(let items): return .array(items.map(reordered))
        default: return value
        }
    }

    @Test func resultsDoNotDependOnTheOrderOfJSONMembers() throws {
        let coder = try coder()
        for respondent in try GoldCodes.load().respondents {
            #expect(
                coder.code(answers: respondent.answers) == coder.code(answers: reordered(respondent.answers)),
                "\(respondent.respondentID)"
            )
        }
    }

    @Test func codingFromManyTasksAtOnceGivesTheSameResults() async throws {
        let coder = try coder()
        let respondents = try GoldCodes.load().respondents
        let expected = respondents.map { coder.code(answers: $0.answers) }
        let results = await withTaskGroup(of: (Int, CodingResult).self) { group in
            for round in 0..<4 {
                for (index, respondent) in respondents.enumerated() {
                    group.addTask { (round * respondents.count + index, coder.code(answers: respondent.answers)) }
                }
            }
            var all: [(Int, CodingResult)] = []
            for await item in group { all.append(item) }
            return all
        }
        #expect(results.count == 4 * respondents.count)
        for (slot, result) in results { #expect(result == expected[slot % respondents.count]) }
    }

    @Test func compactJSONListsAnsweredFieldsCodesAndNumbers() throws {
        let coder = try coder()
        let answers: JSONValue = .object([
            "fgc_offer_point": .string("Pre-proceedings (PLO)"),
            "approaches": .object([
                "edge_of_care": .object(["description": .string("Intensive family support for teenagers, lasting 12 weeks.")]),
                "whole_system": .object(["description": .string("Whole system change.")]),
            ]),
        ])
        let text = JSONWriter().string(coder.code(answers: answers).compactJSON(respondentID: "E06000002"))
        #expect(
            text == #"{"answered":["edge_of_care_service","fgc_timing","whole_system_model"],"codebook_version":"\#(coder.version)","#
                + #""codes":{"edge_of_care_service":["intensive_family_work","targets_adolescents"],"fgc_timing":["pre_proceedings"],"#
                + #""whole_system_model":[]},"numbers":{"duration_weeks":12},"respondent_id":"E06000002"}"#
        )
    }

    @Test func aNumberIsTakenFromTheFirstSourceThatStatesOneWithItsEvidence() throws {
        let coder = try coder()
        let text = "Support lasts between 8 and 12 weeks for adolescents."
        let result = coder.code(answers: .object(["approaches": .object(["edge_of_care": .object(["description": .string(text)])])]))
        let weeks = try #require(result.numbers["duration_weeks"])
        #expect(weeks.value == 10)
        #expect(weeks.evidence.rule == "eoc.duration")
        #expect(weeks.evidence.matched == "8 and 12 weeks")
        #expect(weeks.evidence.source == "answers.approaches.edge_of_care.description")
        #expect(Array(text.utf8)[weeks.evidence.start..<weeks.evidence.end].elementsEqual("8 and 12 weeks".utf8))
    }
}
