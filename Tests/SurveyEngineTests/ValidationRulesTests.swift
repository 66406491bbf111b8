import FieldTallyTestKit
import Testing

@testable import SurveyEngine

/// The instrument's rules on hand-made LA submissions, beyond what the sample exercises.
@Suite struct ValidationRulesTests {
    let validator: Validator

    init() throws {
        let (instrument, frame) = try SampleStream.loadInstrument()
        validator = Validator(instrument: instrument, frame: frame)
    }

    /// A valid submission from Hartlepool choosing whole_system and other.
    static let base: JSONValue = .object([
        "form_id": .string("wwc-csc-2018"), "form_version": .string("2018.1"),
        "instance_id": .string("uuid:11111111-2222-4333-8444-555555555555"), "respondent_id": .string("E06000001"),
        "submitted_at": .string("2018-05-01T10:00:00+01:00"),
        "answers": .object([
            "top_approaches": .array([.string("whole_system"), .string("other")]),
            "other_approach_text": .string("Drug and alcohol workers"),
            "approaches": .object([
                "whole_system": .object(["description": .string("Signs of Safety"), "introduced_year": .number(2014)]),
                "other": .object(["description": .string("Substance misuse workers"), "evidence": .string("Audits")]),
            ]),
            "care_trend": .string("stable"),
        ]),
    ])

    func outcome(_ edit: (inout JSONValue) -> Void) -> ValidationOutcome {
        var document = Self.base
        edit(&document)
        return validator.validate(JSONWriter().bytes(document))
    }

    /// The (pointer, code) pairs of an edited base submission.
    func problems(_ edit: (inout JSONValue) -> Void) -> [String] {
        guard case .rejected(let rejection) = outcome(edit) else { return [] }
        return rejection.problems.map { "\($0.pointer) \($0.code.rawValue)" }
    }

    @Test func theBaseSubmissionIsValid() throws {
        let submission = try #require(outcome { _ in }.submission)
        #expect(submission.answers == Self.base["answers"])
    }

    @Test func aChosenApproachNeedsItsSection() {
        #expect(problems { $0.set(["answers", "approaches", "other"], nil) } == ["/answers/approaches/other required"])
    }

    @Test func sectionsForApproachesNotChosenAreAccepted() {
        let extra = JSONValue.object(["description": .string("We also run short breaks.")])
        #expect(outcome { $0.set(["answers", "approaches", "short_breaks"], extra) }.submission != nil)
    }

    @Test func aSectionForAnUndeclaredApproachIsAnUnknownOption() {
        let extra = JSONValue.object(["description": .string("Family support")])
        #expect(problems { $0.set(["answers", "approaches", "family_support"], extra) } == ["/answers/approaches/family_support unknown_option"])
    }

    @Test func sectionFieldsAreCheckedWithTheirOwnRules() {
        #expect(
            problems { $0.set(["answers", "approaches", "whole_system", "description"], nil) } == [
                "/answers/approaches/whole_system/description required"
            ]
        )
        #expect(
            problems { $0.set(["answers", "approaches", "whole_system", "introduced_year"], .number(2014.5)) }
                == ["/answers/approaches/whole_system/introduced_year type_mismatch"]
        )
        #expect(
            problems { $0.set(["answers", "approaches", "whole_system", "introduced_year"], .number(1979)) }
                == ["/answers/approaches/whole_system/introduced_year out_of_range"]
        )
        #expect(
            problems { $0.set(["answers", "approaches", "whole_system", "introduced_year"], .string("2014")) }
                == ["/answers/approaches/whole_system/introduced_year type_mismatch"]
        )
        #expect(
            problems { $0.set(["answers", "approaches", "whole_system", "evidance"], .string("x")) }
                == ["/answers/approaches/whole_system/evidance unknown_member"]
        )
    }

    @Test func wholeNumbersWrittenWithAFractionAreIntegers() {
        #expect(validator.validate(JSONWriter().string(Self.base).replacingOccurrences(of: "2014", with: "2014.0")).submission != nil)
    }

    @Test func topApproachesMustBeOneToThreeDistinctCodes() {
        #expect(problems { $0.set(["answers", "top_approaches"], .array([])) } == ["/answers/top_approaches too_few_items"])
        #expect(
            problems { $0.set(["answers", "top_approaches"], .array([.string("whole_system"), .string("other"), .string("whole_system")])) }
                == ["/answers/top_approaches/2 duplicate_item"]
        )
        #expect(
            problems { $0.set(["answers", "top_approaches"], .array([.string("whole_system"), .number(3), .string("other")])) }
                == ["/answers/top_approaches/1 type_mismatch"]
        )
    }

    @Test func otherNeedsANonBlankDescription() {
        #expect(problems { $0.set(["answers", "other_approach_text"], .string("   ")) } == ["/answers/other_approach_text required"])
        #expect(problems { $0.set(["answers", "other_approach_text"], .null) } == ["/answers/other_approach_text required"])
    }

    @Test func otherTextWithoutOtherIsAccepted() {
        let outcome = outcome {
            $0.set(["answers", "top_approaches"], .array([.string("whole_system")]))
            $0.set(["answers", "approaches", "other"], nil)
        }
        #expect(outcome.submission != nil)
    }

    @Test func optionalAnswersMayBeNull() {
        #expect(outcome { $0.set(["answers", "fgc_offer_point"], .null) }.submission != nil)
        #expect(outcome { $0.set(["deprecated_id"], .null) }.submission?.deprecatedId == nil)
    }

    @Test func careTrendMustBeADeclaredCode() {
        #expect(problems { $0.set(["answers", "care_trend"], .string("decreased")) } == ["/answers/care_trend unknown_option"])
        #expect(problems { $0.set(["answers", "care_trend"], .array([.string("stable")])) } == ["/answers/care_trend type_mismatch"])
    }

    @Test func percentagesAreBoundedAndNumeric() {
        #expect(outcome { $0.set(["answers", "fgc_care_entry_percent"], .number(12.5)) }.submission != nil)
        #expect(problems { $0.set(["answers", "fgc_care_entry_percent"], .number(-1)) } == ["/answers/fgc_care_entry_percent out_of_range"])
        #expect(problems { $0.set(["answers", "fgc_care_entry_percent"], .string("12%")) } == ["/answers/fgc_care_entry_percent type_mismatch"])
    }

    @Test func anUndeclaredAnswerIsReported() {
        let problems = outcome { $0.set(["answers", "care_trnd"], .string("stable")) }.rejection?.problems ?? []
        #expect(problems.map(\.pointer) == ["/answers/care_trnd"])
        #expect(problems.first?.code == .unknownMember)
        #expect(problems.first?.message.contains("did you mean 'care_trend'?") == true)
    }

    @Test func unknownEnvelopeMembersAreIgnored() {
        #expect(outcome { $0.set(["device_id"], .string("tablet-7")) }.submission != nil)
    }

    @Test func envelopeFormatsAreChecked() {
        #expect(problems { $0.set(["instance_id"], .string("11111111-2222-4333-8444-555555555555")) } == ["/instance_id invalid_format"])
        #expect(problems { $0.set(["deprecated_id"], .string("")) } == ["/deprecated_id invalid_format"])
        #expect(problems { $0.set(["submitted_at"], .string("2018-05-01 10:00:00")) } == ["/submitted_at invalid_format"])
        #expect(problems { $0.set(["submitted_at"], .string("2018-05-01T10:00:00")) } == ["/submitted_at invalid_format"])
        #expect(problems { $0.set(["submitted_at"], .string("2018-02-30T10:00:00Z")) } == ["/submitted_at invalid_format"])
        #expect(outcome { $0.set(["submitted_at"], .string("2018-05-01T09:00:00.125Z")) }.submission != nil)
        #expect(problems { $0.set(["respondent_id"], .number(1)) } == ["/respondent_id type_mismatch"])
        #expect(problems { $0.set(["respondent_id"], .string("")) } == ["/respondent_id required"])
    }

    @Test func anotherFormOrAnUndeclaredVersionIsAnUnknownForm() {
        // Another form's answers are not judged against this instrument.
        #expect(
            problems {
                $0.set(["form_id"], .string("wwc-csc-2019"))
                $0.set(["answers"], .object(["q1": .string("x")]))
            } == ["/form_id unknown_form"]
        )
        #expect(problems { $0.set(["form_version"], .string("2018.2")) } == ["/form_version unknown_form"])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let found = problems {
            $0.set(["instance_id"], .string("not-a-uuid"))
            $0.set(["answers", "top_approaches"], .array([.string("whole_system"), .string("other"), .string("early_help"), .string("magic")]))
            $0.set(["answers", "approaches", "whole_system", "introduced_year"], .number(2031))
            $0.set(["answers", "care_trend"], nil)
        }
        #expect(
            Set(found) == [
                "/instance_id invalid_format", "/answers/top_approaches/3 unknown_option", "/answers/top_approaches too_many_items",
                "/answers/approaches/early_help required", "/answers/approaches/whole_system/introduced_year out_of_range",
                "/answers/care_trend required",
            ]
        )
    }

    @Test func problemsComeInADeterministicOrder() {
        let edit: (inout JSONValue) -> Void = {
            $0.set(["answers", "zz"], .number(1))
            $0.set(["answers", "aa"], .number(1))
            $0.set(["answers", "approaches", "whole_system", "x"], .number(1))
            $0.set(["answers", "approaches", "whole_system", "b"], .number(1))
        }
        let first = problems(edit)
        #expect(
            first == [
                "/answers/approaches/whole_system/b unknown_member", "/answers/approaches/whole_system/x unknown_member",
                "/answers/aa unknown_member", "/answers/zz unknown_member",
            ]
        )
    }

    @Test func pointersEscapeSlashAndTilde() {
        #expect(problems { $0.set(["answers", "a/b~c"], .number(1)) } == ["/answers/a~1b~0c unknown_member"])
    }

    @Test func aRespondentOutsideTheFrameIsRejectedAfterTheRules() throws {
        let unknown = outcome { $0.set(["respondent_id"], .string("W06000015")) }
        let rejection = try #require(unknown.rejection)
        #expect(rejection.reason == .unknownRespondent)
        #expect(rejection.respondentId == "W06000015")
        #expect(rejection.instanceId == "uuid:11111111-2222-4333-8444-555555555555")
        // Rule problems come first: an invalid message from an unknown respondent is invalid.
        let both = outcome {
            $0.set(["respondent_id"], .string("W06000015"))
            $0.set(["answers", "care_trend"], nil)
        }
        #expect(both.rejection?.reason == .invalid)
    }

    @Test func theDocumentMustBeAnObject() {
        let rejection = validator.validate("[1,2,3]").rejection
        #expect(rejection?.problems.map(\.pointer) == [""])
        #expect(rejection?.problems.map(\.code) == [.typeMismatch])
    }

    @Test func textsOverTheCapAreTooLarge() throws {
        let long = String(repeating: "é", count: 20_001)
        let problems = outcome { $0.set(["answers", "approaches", "whole_system", "evidence"], .string(long)) }.rejection?.problems ?? []
        #expect(problems.map(\.pointer) == ["/answers/approaches/whole_system/evidence"])
        #expect(problems.map(\.code) == [.tooLarge])
        #expect(problems.first?.message == "evidence has 20001 characters; the limit is 20000")
        // Exactly at the cap is fine, even though it is 40,000 bytes.
        #expect(outcome { $0.set(["answers", "approaches", "whole_system", "evidence"], .string(String(long.dropLast()))) }.submission != nil)
    }

    @Test func aMessageOverTheCapIsRejectedBeforeParsing() throws {
        var bytes = Array(JSONWriter().string(Self.base).utf8)
        bytes.append(contentsOf: [UInt8](repeating: 0x20, count: 1_048_576))
        let rejection = try #require(validator.validate(bytes).rejection)
        #expect(rejection.problems.map(\.code) == [.tooLarge])
        #expect(rejection.problems.map(\.pointer) == [""])
    }

    @Test func problemMessagesSayWhatToFix() throws {
        let rejection = try #require(outcome { $0.set(["answers", "top_approaches"], .array([.string("whole_sytem")])) }.rejection)
        let message = try #require(rejection.problems.first(where: { $0.code == .unknownOption })?.message)
        #expect(
            message.hasPrefix("'whole_sytem' is not an option of top_approaches; did you mean 'whole_system'? Options: whole_system, edge_of_care")
        )
    }
}

extension JSONValue {
    /// Sets (or with `nil` removes) the member at an object path, creating nothing on the way.
    mutating func set(_ path: [String], _ value: JSONValue?) {
        guard let first = path.first, case .object(var members) = self else { return }
        if path.count == 1 {
            members[first] = value
        } else if var child = members[first] {
            child.set(Array(path.dropFirst()), value)
            members[first] = child
        }
        self = .object(members)
    }
}
