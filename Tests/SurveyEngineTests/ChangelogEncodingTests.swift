import Foundation
import Testing

@testable import SurveyEngine

/// Changelog values are written by hand (`ChangelogJSON`) but must read back with `JSONDecoder`
/// exactly as the `JSONEncoder` output of earlier builds did: state written by one build is
/// restored by the next.
@Suite struct ChangelogEncodingTests {
    private static func richState() -> RespondentState {
        var state = RespondentState(respondentId: "E09000001 \"quoted\" / slash")
        state.headInstanceId = "uuid:2"
        state.versions = ["uuid:1": ContentFingerprint(value: 0x0123_4567_89ab_cdef), "uuid:2": ContentFingerprint(value: 7)]
        state.contribution = Contribution(
            region: "London",
            formVersion: "2018.1",
            codebookVersion: "cb-1",
            day: "2018-04-03",
            fields: [
                "care_trend": .init(answered: true, codes: ["reduced"]), "early_help_type": .init(answered: false, codes: []),
                "whole_system_model": .init(answered: true, codes: ["signs_of_safety", "multi_model"]),
            ],
            numbers: ["duration_weeks": 12, "fgc_care_entry_percent": 12.5, "negative": -3],
            freeTextAnswered: ["other_approach_text"]
        )
        state.paradata.countAccepted(edit: false, day: "2018-04-03")
        state.paradata.countAccepted(edit: true, day: "2018-04-05")
        state.paradata.countNoop()
        state.paradata.countRejection(Rejection(reason: .staleEdit))
        state.applied = ["survey.submissions/0": 41, "survey.submissions/1": 9_000_000_000]
        return state
    }

    @Test func respondentRecordsReadBackEqual() throws {
        let state = Self.richState()
        let record = ChangelogRecord(state)
        #expect(try JSONDecoder().decode(RespondentState.self, from: record.value) == state)
        #expect(record.key == state.respondentId)
    }

    @Test func handWrittenRecordsMatchWhatJSONEncoderWrote() throws {
        // The same members as JSONEncoder's sorted-keys output, in the same order, whatever the spelling
        // of numbers and slashes: both parse to the same document.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for state in [Self.richState(), RespondentState(respondentId: "R-empty")] {
            let old = try JSONSerialization.jsonObject(with: try encoder.encode(state)) as? NSDictionary
            let new = try JSONSerialization.jsonObject(with: ChangelogRecord(state).value) as? NSDictionary
            #expect(old != nil && old == new)
        }
        var paradata = PartitionParadata(partition: 4)
        paradata.paradata.countRejection(Rejection(reason: .invalid, problems: [Problem(pointer: "/answers", code: .required, message: "m")]))
        paradata.applied = ["raw:survey.coded/4": 3]
        let old = try JSONSerialization.jsonObject(with: try encoder.encode(paradata)) as? NSDictionary
        let new = try JSONSerialization.jsonObject(with: ChangelogRecord(paradata).value) as? NSDictionary
        #expect(old != nil && old == new)
        #expect(try JSONDecoder().decode(PartitionParadata.self, from: ChangelogRecord(paradata).value) == paradata)
    }

    @Test func theRestoreReaderReadsWhatJSONEncoderAndTheHandWriterWrote() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var reviewed = Self.richState()
        reviewed.contribution?.codingReview = ["whole_system_model": 2]
        for state in [Self.richState(), reviewed, RespondentState(respondentId: "R-empty")] {
            #expect(try ChangelogJSON.readRespondentState(encoder.encode(state)) == state)
            #expect(try ChangelogJSON.readRespondentState(ChangelogRecord(state).value) == state)
        }
        var paradata = PartitionParadata(partition: 4)
        paradata.paradata.countRejection(Rejection(reason: .invalid, problems: [Problem(pointer: "/answers", code: .required, message: "m")]))
        paradata.applied = ["raw:survey.coded/4": 3]
        #expect(try ChangelogJSON.readPartitionParadata(encoder.encode(paradata)) == paradata)
        #expect(try ChangelogJSON.readPartitionParadata(ChangelogRecord(paradata).value) == paradata)
    }

    @Test func theRestoreReaderNamesWhatARecordLacks() throws {
        let value = try #require(String(data: ChangelogRecord(Self.richState()).value, encoding: .utf8))
        let cases = [
            (value.replacingOccurrences(of: #""paradata""#, with: #""paradatum""#), "has no member 'paradata'"),
            (value.replacingOccurrences(of: #""answered":true"#, with: #""answered":1"#), "answered is not true or false"),
            (value.replacingOccurrences(of: "9000000000", with: "9000000000.5"), "applied.survey.submissions/1 is not a whole number"),
            (value.replacingOccurrences(of: "0123456789abcdef", with: "0123"), "is not 16 hex digits"),
            ("[]", "the record is not an object"),
        ]
        for (text, message) in cases {
            #expect {
                _ = try ChangelogJSON.readRespondentState(Data(text.utf8))
            } throws: { error in
                (error as? ChangelogJSON.ReadError)?.message.contains(message) == true
            }
        }
    }

    @Test func membersAreSortedByName() throws {
        let text = String(decoding: ChangelogRecord(Self.richState()).value, as: UTF8.self)
        let order = ["\"applied\"", "\"contribution\"", "\"head_instance_id\"", "\"paradata\"", "\"respondent_id\"", "\"versions\""]
        let positions = try order.map { try #require(text.range(of: $0)).lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.contains(#""uuid:1":"0123456789abcdef""#))
    }
}
