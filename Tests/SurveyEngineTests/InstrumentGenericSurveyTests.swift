import Testing

@testable import SurveyEngine

/// A different survey, described only in YAML, validated with no Swift change: every generic type
/// and constraint the format offers.
@Suite struct InstrumentGenericSurveyTests {
    static let yaml = """
        form_id: library-visits
        title: Library branch visitor survey
        versions: ["1", "1.1"]
        reference_date: "2024-03-31"
        frame: { file: branches.csv }
        limits: { message_bytes: 4096, text_characters: 500 }
        envelope:
          instance_id: { member: instanceID, format: uuid_urn }
          unknown_members: reject
        option_lists:
          service: [lending, computers, events, study_space]
          frequency:
            - { code: weekly, label: Every week }
            - { code: monthly, label: Every month }
            - { code: rarely, label: Less often }
        questions:
          - { name: member, type: boolean, required: true }
          - { name: frequency, type: single_option, options: frequency, required: true }
          - { name: why_rarely, type: text, max_length: 40, required_when: { question: frequency, includes: [rarely] } }
          - { name: services, type: multi_option, options: service, max_items: 4 }
          - { name: age, type: integer, min: 16, max: 120 }
          - { name: satisfaction, type: number, min: 0, max: 10 }
          - name: household
            type: section
            fields:
              - { name: adults, type: integer, min: 1, required: true }
              - { name: children, type: integer, min: 0 }
          - name: service_ratings
            type: section_map
            options: service
            unknown_fields: ignore
            fields:
              - { name: stars, type: integer, min: 1, max: 5, required: true }
        """

    let validator: Validator

    init() throws {
        let instrument = try Instrument(yaml: Self.yaml, source: "library.yaml")
        let frame = try Frame(csv: "respondent_id,name,region\nB1,Central,North\nB2,Harbour,South\n")
        validator = Validator(instrument: instrument, frame: frame)
    }

    func check(_ answers: String, envelope: String = "") -> [String]? {
        let text =
            #"{"form_id":"library-visits","form_version":"1.1","instanceID":"uuid:0fb00baf-ac43-442a-a887-2410a5e2326e","#
            + #""respondent_id":"B2","submitted_at":"2024-03-02T12:00:00Z",\#(envelope)"answers":\#(answers)}"#
        switch validator.validate(text) {
        case .valid: return nil
        case .rejected(let rejection): return rejection.problems.map { "\($0.pointer) \($0.code.rawValue)" }
        }
    }

    @Test func aCompleteAnswerIsValid() {
        let answers =
            #"{"member":true,"frequency":"weekly","services":["lending","events","lending"],"age":42,"satisfaction":8.5,"#
            + #""household":{"adults":2,"children":0},"service_ratings":{"lending":{"stars":5,"comment":"kept"}}}"#
        #expect(check(answers) == nil)
    }

    @Test func eachGenericConstraintIsEnforced() {
        #expect(check(#"{"member":"yes","frequency":"weekly"}"#) == ["/answers/member type_mismatch"])
        #expect(check(#"{"member":false,"frequency":"rarely"}"#) == ["/answers/why_rarely required"])
        #expect(
            check(#"{"member":false,"frequency":"rarely","why_rarely":"\#(String(repeating: "x", count: 41))"}"#) == ["/answers/why_rarely too_large"]
        )
        #expect(check(#"{"member":false,"frequency":"weekly","services":["lending","cafe"]}"#) == ["/answers/services/1 unknown_option"])
        #expect(check(#"{"member":false,"frequency":"weekly","age":12}"#) == ["/answers/age out_of_range"])
        #expect(check(#"{"member":false,"frequency":"weekly","satisfaction":10.5}"#) == ["/answers/satisfaction out_of_range"])
        #expect(check(#"{"member":false,"frequency":"weekly","household":{"children":1}}"#) == ["/answers/household/adults required"])
        #expect(check(#"{"member":false,"frequency":"weekly","household":{"adults":1,"pets":2}}"#) == ["/answers/household/pets unknown_member"])
        #expect(
            check(#"{"member":false,"frequency":"weekly","service_ratings":{"cafe":{"stars":9}}}"#)
                == ["/answers/service_ratings/cafe unknown_option", "/answers/service_ratings/cafe/stars out_of_range"]
        )
    }

    @Test func theEnvelopeFollowsTheFile() {
        #expect(check(#"{"member":true,"frequency":"weekly"}"#, envelope: #""device":"kiosk","#) == ["/device unknown_member"])
        let wrongName =
            #"{"form_id":"library-visits","form_version":"1","instance_id":"uuid:0fb00baf-ac43-442a-a887-2410a5e2326e","#
            + #""respondent_id":"B1","submitted_at":"2024-03-02T12:00:00Z","answers":{"member":true,"frequency":"weekly"}}"#
        let problems = validator.validate(wrongName).rejection?.problems.map { "\($0.pointer) \($0.code.rawValue)" }
        #expect(problems == ["/instanceID required", "/instance_id unknown_member"])
    }

    @Test func itsOwnLimitsApply() {
        let padding = String(repeating: " ", count: 4096)
        #expect(validator.validate(padding + "{}").rejection?.problems.map(\.code) == [.tooLarge])
    }

    @Test func optionOrderIsAvailableForTallies() {
        #expect(validator.instrument.optionList(forQuestion: "frequency")?.options.map(\.label) == ["Every week", "Every month", "Less often"])
        #expect(validator.instrument.optionList(forQuestion: "services")?.codes == ["lending", "computers", "events", "study_space"])
    }
}
