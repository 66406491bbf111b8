import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyIntake
import Testing

/// The LA survey's intake.yaml reads every sample submission back from each platform's format.
@Suite struct IntakeMappingTests {
    static func mapping() throws -> IntakeMapping {
        try IntakeMapping(survey: SurveyDefinition(directory: SampleStream.schemasDirectory.path))
    }

    /// The sample's JSON submissions, with their line numbers, except the empty one.
    static func submissions() throws -> [(line: Int, bytes: [UInt8], value: JSONValue)] {
        try SampleStream.load().messages.compactMap { message in
            guard let value = try? JSONParser().parse(message.value), let object = value.objectValue, !object.isEmpty else { return nil }
            return (message.line, message.value, value)
        }
    }

    @Test func koboSubmissionsMapBackToTheSampleSubmissions() throws {
        let mapping = try Self.mapping()
        let submissions = try Self.submissions()
        #expect(submissions.count == 84)
        for submission in submissions {
            let kobo = try #require(PlatformPayloads.kobo(submission.bytes, id: submission.line))
            let mapped = mapping.map(PlatformDocument(try JSONParser().parse(kobo)))
            #expect(mapped.envelope == submission.value, "line \(submission.line): \(String(decoding: mapped.bytes, as: UTF8.self))")
            #expect(mapped.missing.isEmpty, "line \(submission.line)")
        }
    }

    @Test func openRosaInstancesMapBackToTheSampleSubmissions() throws {
        let mapping = try Self.mapping()
        for submission in try Self.submissions() {
            let xml = try #require(PlatformPayloads.openRosa(submission.bytes))
            let mapped = mapping.map(PlatformDocument(try XMLInstance.parse(xml)))
            #expect(mapped.envelope == submission.value, "line \(submission.line): \(String(decoding: mapped.bytes, as: UTF8.self))")
        }
    }

    @Test func centralRowsMapBackToTheSampleSubmissionsWithTheFormOfThePath() throws {
        let mapping = try Self.mapping()
        for submission in try Self.submissions() {
            var row = try #require(PlatformPayloads.centralRow(submission.bytes)?.objectValue)
            var system = row["__system"]?.objectValue ?? JSONObject()
            system["xmlFormId"] = submission.value["form_id"]
            row["__system"] = .object(system)
            let mapped = mapping.map(PlatformDocument(.object(row)))
            #expect(mapped.envelope == submission.value, "line \(submission.line): \(String(decoding: mapped.bytes, as: UTF8.self))")
        }
    }

    @Test func selectMultipleListsBecomeArraysAndNumbersParse() {
        #expect(AnswerType.selectMultiple.convert(.string("whole_system  early_help")) == .array([.string("whole_system"), .string("early_help")]))
        #expect(AnswerType.selectMultiple.convert(.string("short_breaks, early_help")) == .string("short_breaks, early_help"))
        #expect(AnswerType.integer.convert(.string("2018")) == .number(2018))
        #expect(AnswerType.integer.convert(.string("20.5")) == .string("20.5"))
        #expect(AnswerType.number.convert(.string("12.5")) == .number(12.5))
        #expect(AnswerType.number.convert(.string("twelve")) == .string("twelve"))
        #expect(AnswerType.text.convert(.string("2018")) == .string("2018"))
    }

    @Test func anInstanceWithoutIdentifiersIsReportedMissingThem() throws {
        let mapped = try Self.mapping().map(PlatformDocument(try XMLInstance.parse(Array("<data><care_trend>reduced</care_trend></data>".utf8))))
        #expect(mapped.missing == ["form_id", "form_version", "instance_id", "respondent_id", "submitted_at"])
        #expect(mapped.envelope["answers"]?["care_trend"] == .string("reduced"))
    }

    @Test func malformedXMLIsAnErrorNamingWhere() {
        #expect(throws: XMLInstance.ParseError.self) { try XMLInstance.parse(Array("<data><a></data>".utf8)) }
    }

    @Test func aMappingWithAnUnknownTypeIsRefusedNamingIt() throws {
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path)
        let yaml =
            "envelope:\n  form_id: [a]\n  form_version: [b]\n  instance_id: [c]\n  respondent_id: [d]\n  submitted_at: [e]\nanswers:\n  q: { type: colour }\n"
        #expect(throws: SurveyDefinitionError.self) {
            try IntakeMapping(yaml: yaml, file: "intake.yaml", formId: "f", envelope: survey.instrument.envelope)
        }
    }
}
