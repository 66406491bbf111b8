import FieldTallyTestKit
import Testing

@testable import SurveyEngine

/// The acceptance check: the validator's verdict on every line of the shared sample matches expected.json.
@Suite struct ValidationSampleTests {
    let sample: SampleStream
    let validator: Validator

    init() throws {
        sample = try SampleStream.load()
        let (instrument, frame) = try SampleStream.loadInstrument()
        validator = Validator(instrument: instrument, frame: frame)
    }

    @Test func sampleHasEightyEightLines() {
        #expect(sample.messages.count == 88)
    }

    @Test func everySampleLineGetsTheExpectedVerdict() {
        for (message, expected) in sample.lines {
            let outcome = validator.validate(message.value)
            switch expected.reason {
            case "invalid":
                guard case .rejected(let rejection) = outcome, rejection.reason == .invalid else {
                    Issue.record("line \(message.line): expected invalid \(expected.problems ?? []), got \(outcome)")
                    continue
                }
                let got = Set(rejection.problems.map { SampleStream.ExpectedProblem(pointer: $0.pointer, code: $0.code.rawValue) })
                #expect(got == Set(expected.problems ?? []), "line \(message.line): problems \(rejection.problems)")
                #expect(rejection.problems.count == (expected.problems ?? []).count, "line \(message.line): one problem per expected entry")
            case "unknown_respondent":
                #expect(outcome.rejection?.reason == .unknownRespondent, "line \(message.line): got \(outcome)")
                #expect(outcome.rejection?.respondentId == expected.respondentId, "line \(message.line)")
            default:
                guard case .valid(let submission) = outcome else {
                    Issue.record(
                        "line \(message.line) (\(expected.outcome) \(expected.reason ?? expected.kind ?? "")): expected valid, got \(outcome)"
                    )
                    continue
                }
                #expect(submission.respondentId == expected.respondentId, "line \(message.line)")
                #expect(submission.instanceId == expected.instanceId, "line \(message.line)")
                #expect(submission.respondentId == message.key, "line \(message.line): key and respondent_id agree")
            }
        }
    }

    @Test func validSubmissionsCarryTheirAnswersAndEnvelope() throws {
        let first = try #require(sample.messages.first)
        let submission = try #require(validator.validate(first.value).submission)
        #expect(submission.formId == "wwc-csc-2018")
        #expect(submission.formVersion == "2018.1")
        #expect(submission.submittedAt == "2018-04-03T11:28:02+01:00")
        #expect(submission.submittedDay == "2018-04-03")
        #expect(submission.deprecatedId == nil)
        #expect(submission.answers["top_approaches"]?.arrayValue?.isEmpty == false)
    }

    @Test func editsKeepTheirDeprecatedId() throws {
        let edits = sample.lines.filter { $0.expected.kind == "edit" }
        #expect(!edits.isEmpty)
        for (message, _) in edits {
            let submission = try #require(validator.validate(message.value).submission, "line \(message.line)")
            #expect(submission.deprecatedId?.hasPrefix("uuid:") == true, "line \(message.line)")
        }
    }

    @Test func reEmittedSubmissionsValidateToTheSameSubmission() throws {
        var reEmitted = 0
        for message in sample.messages {
            guard let submission = validator.validate(message.value).submission else { continue }
            let bytes = JSONWriter().bytes(submission.jsonValue(envelope: validator.instrument.envelope))
            #expect(validator.validate(bytes).submission == submission, "line \(message.line)")
            // Canonical: writing the re-read submission gives the same bytes.
            let again = try #require(validator.validate(bytes).submission)
            #expect(JSONWriter().bytes(again.jsonValue()) == bytes, "line \(message.line)")
            reEmitted += 1
        }
        #expect(reEmitted == 74)
    }
}
