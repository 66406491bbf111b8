import FieldTallyTestKit
import Testing

@testable import SurveyEngine

@Suite struct InstrumentTests {
    @Test func laSurveyInstrumentDescribesTheForm() throws {
        let (instrument, frame) = try SampleStream.loadInstrument()
        #expect(instrument.formId == "wwc-csc-2018")
        #expect(instrument.versions == ["2018.1"])
        #expect(instrument.referenceDate == CalendarDate(year: 2018, month: 6, day: 30))
        #expect(instrument.limits == InstrumentLimits(messageBytes: 1_048_576, textCharacters: 20_000))
        #expect(
            instrument.questions.map(\.name) == [
                "top_approaches", "other_approach_text", "approaches", "fgc_offer_point",
                "fgc_care_entry_percent", "care_trend",
            ]
        )
        #expect(frame.count == 152)
        #expect(Set(frame.regions.map(\.name)).count == 9)
    }

    @Test func optionOrderComesFromTheFile() throws {
        let (instrument, _) = try SampleStream.loadInstrument()
        #expect(
            instrument.optionList(forQuestion: "top_approaches")?.codes == [
                "whole_system", "edge_of_care", "early_help", "family_group_conferencing", "parenting_programmes", "short_breaks", "other",
            ]
        )
        #expect(instrument.optionList(forQuestion: "care_trend")?.codes == ["reduced", "increased", "stable", "not_known"])
        #expect(instrument.optionList(forQuestion: "approaches")?.name == "approach")
        #expect(instrument.optionList(forQuestion: "care_trend")?.position(of: "stable") == 2)
        #expect(instrument.optionList(forQuestion: "fgc_offer_point") == nil)
        #expect(instrument.optionLists.map(\.name) == ["approach", "care_trend"])
    }

    @Test func questionRulesAreReadable() throws {
        let (instrument, _) = try SampleStream.loadInstrument()
        let top = try #require(instrument.question(named: "top_approaches"))
        #expect(top.type == .multiOption && top.required && top.distinct && top.minItems == 1 && top.maxItems == 3)
        #expect(instrument.question(named: "other_approach_text")?.requiredWhen == RequiredWhen(question: "top_approaches", includes: ["other"]))
        let approaches = try #require(instrument.question(named: "approaches"))
        #expect(approaches.type == .sectionMap && approaches.sectionsFor == "top_approaches")
        #expect(approaches.fields.map(\.name) == ["description", "introduced_year", "evidence"])
        #expect(approaches.field(named: "introduced_year").map { ($0.min, $0.max) } ?? (nil, nil) == (1980, 2018))
        #expect(instrument.envelope.instanceId.format == .uuidURN && !instrument.envelope.deprecatedId.required)
    }

    // MARK: Actionable errors

    func error(_ yaml: String) -> String? {
        do {
            _ = try Instrument(yaml: yaml, source: "test.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    static let minimal = """
        form_id: library-visits
        versions: ["1"]
        reference_date: "2024-01-31"
        frame: { file: branches.csv }
        option_lists:
          mood: [happy, sad]
        questions:
          - { name: mood, type: single_option, options: mood, required: true }
        """

    @Test func aMinimalInstrumentLoads() throws {
        let instrument = try Instrument(yaml: Self.minimal)
        #expect(instrument.formId == "library-visits")
        #expect(instrument.optionList(named: "mood")?.codes == ["happy", "sad"])
        #expect(instrument.limits == InstrumentLimits())
        #expect(instrument.envelope == Envelope())
    }

    @Test func aMisspeltKeyIsNamedWithASuggestion() {
        let message = error(Self.minimal.replacingOccurrences(of: "required: true", with: "requird: true"))
        #expect(
            message?.contains("test.yaml: questions[0]: unknown key 'requird' in a question; did you mean 'required'?") == true,
            "\(message ?? "")"
        )
    }

    @Test func anUnknownTypeListsTheValidTypes() {
        let message = error(Self.minimal.replacingOccurrences(of: "type: single_option", with: "type: single_choice"))
        #expect(
            message?.contains("questions[0].type: 'single_choice' is not a valid type; did you mean 'single_option'?") == true,
            "\(message ?? "")"
        )
        #expect(message?.contains("multi_option") == true)
    }

    @Test func anUndeclaredOptionListIsNamed() {
        let message = error(Self.minimal.replacingOccurrences(of: "options: mood", with: "options: moods"))
        #expect(message == "test.yaml: questions[0] ('mood'): option list 'moods' is not declared under option_lists; did you mean 'mood'?")
    }

    @Test func aPropertyThatDoesNotApplyToTheTypeIsRejected() {
        let message = error(Self.minimal.replacingOccurrences(of: "required: true", with: "required: true, max_items: 2"))
        #expect(message?.contains("'max_items' does not apply to type single_option") == true, "\(message ?? "")")
    }

    @Test func requiredWhenMustNameADeclaredCode() {
        let yaml = Self.minimal + "\n  - { name: why, type: text, required_when: { question: mood, includes: sadd } }"
        #expect(error(yaml) == "test.yaml: questions[1] ('why').required_when: 'sadd' is not a code of option list 'mood'; did you mean 'sad'?")
        let unknownQuestion = Self.minimal + "\n  - { name: why, type: text, required_when: { question: mod, includes: sad } }"
        #expect(error(unknownQuestion)?.contains("there is no top-level question 'mod'; did you mean 'mood'?") == true)
    }

    @Test func inconsistentBoundsAreRejected() {
        let items = Self.minimal + "\n  - { name: picks, type: multi_option, options: mood, min_items: 3, max_items: 2 }"
        #expect(error(items) == "test.yaml: questions[1] ('picks'): min_items 3 is above max_items 2")
        let range = Self.minimal + "\n  - { name: visits, type: integer, min: 10, max: 1 }"
        #expect(error(range)?.contains("min 10.0 is above max 1.0") == true)
        let fractional = Self.minimal + "\n  - { name: visits, type: integer, min: 0.5 }"
        #expect(error(fractional)?.contains("whole-number bounds") == true)
    }

    @Test func missingAndMistypedKeysNameTheirPath() {
        #expect(
            error(Self.minimal.replacingOccurrences(of: "form_id: library-visits\n", with: "")) == "test.yaml: the top level: missing key 'form_id'"
        )
        let message = error(Self.minimal.replacingOccurrences(of: "required: true", with: "required: maybe"))
        #expect(message?.hasPrefix("test.yaml: questions[0].required: expected true or false") == true, "\(message ?? "")")
    }

    @Test func badDatesVersionsAndRepeatsAreRejected() {
        #expect(
            error(Self.minimal.replacingOccurrences(of: "2024-01-31", with: "2023-02-29"))?.contains("reference_date '2023-02-29' is not a date")
                == true
        )
        #expect(error(Self.minimal.replacingOccurrences(of: "versions: [\"1\"]", with: "versions: []"))?.contains("versions is empty") == true)
        #expect(
            error(Self.minimal.replacingOccurrences(of: "[happy, sad]", with: "[happy, happy]"))
                == "test.yaml: option list 'mood' declares 'happy' twice"
        )
    }

    @Test func yamlSyntaxErrorsAreReported() {
        let message = error("form_id: [unclosed\nversions: 1")
        #expect(message?.hasPrefix("test.yaml: not a readable YAML file") == true, "\(message ?? "")")
    }

    @Test func aMissingInstrumentFileIsNamed() {
        #expect(throws: SurveyDefinitionError.self) { try Instrument(contentsOfFile: "/nonexistent/instrument.yaml") }
    }
}
