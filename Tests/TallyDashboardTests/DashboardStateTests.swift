import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyDashboard
import TallyWorker
import Testing

@Suite("Dashboard state: partials, completeness, timeline, dead letters, coding review")
struct DashboardStateTests {
    static func survey() throws -> SurveyDefinition { try SurveyDefinition(directory: SampleStream.schemasDirectory.path) }

    static func partial(_ partition: Int, sequence: UInt64, counted: Int, region: String) -> PartialTally {
        var partial = PartialTally(formId: "wwc-csc-2018", partitions: [partition: sequence])
        partial.counted = counted
        partial.respondedByRegion = [region: counted]
        partial.asOf = "2026-12-06T08:00:0\(sequence)Z"
        return partial
    }

    static func live(_ state: DashboardState) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(state.stateJSON().utf8)) as? [String: Any]
        return try #require(object?["live"] as? [String: Any])
    }

    @Test func theStateSaysHowManyPartitionsHaveReportedAndMergesTheNewestOfEach() throws {
        var state = DashboardState(survey: try Self.survey())
        state.partitionCount = 3
        try state.offer(Self.partial(0, sequence: 1, counted: 4, region: "London"))
        try state.offer(Self.partial(1, sequence: 1, counted: 2, region: "London"))
        #expect(try state.offer(Self.partial(0, sequence: 1, counted: 9, region: "London")) == false, "an equal sequence is ignored")
        var live = try Self.live(state)
        #expect(live["partitions_reported"] as? Int == 2 && live["complete"] as? Bool == false)
        try state.offer(Self.partial(2, sequence: 2, counted: 1, region: "London"))
        try state.offer(Self.partial(0, sequence: 3, counted: 5, region: "London"))
        live = try Self.live(state)
        #expect(live["partitions_reported"] as? Int == 3 && live["complete"] as? Bool == true)
        #expect(state.document().countedRespondents == 8, "5 + 2 + 1: the newest partial of each partition")
        let timeline = try #require(live["timeline"] as? [[String: Any]])
        #expect(timeline.map { $0["counted"] as? Int } == [4, 6, 7, 8], "counted respondents as each partial arrived")
    }

    @Test func deadLettersAreCountedOnceAndOnlyTheLatestAreKept() throws {
        var state = DashboardState(survey: try Self.survey())
        func letter(_ offset: Int64) throws -> DeadLetter {
            let json = """
                {"reason":"invalid","problems":[{"pointer":"/form_id","code":"required","message":"form_id is required"}],
                 "worker":"tally-validate","source":{"topic":"survey.submissions","partition":0,"offset":\(offset)},
                 "key":"E\(offset)","value":"{}","rejected_at":"2026-12-06T08:00:00Z"}
                """
            return try JSONDecoder().decode(DeadLetter.self, from: Data(json.utf8))
        }
        #expect(state.offer(try letter(1)))
        #expect(!state.offer(try letter(1)), "a re-send of the same rejection")
        for offset in 2...12 { state.offer(try letter(Int64(offset))) }
        #expect(state.deadLetters.count == DashboardState.deadLetterLimit)
        #expect(state.deadLetters.last?.respondent == "E12" && state.deadLetters.first?.respondent == "E5")
        #expect(state.deadLetters.last?.pointer == "/form_id" && state.deadLetters.last?.message == "form_id is required")
    }

    @Test func theReviewQueueKeepsTheLatestRecordPerKeyDropsSettledKeysAndListsTheNewestTextsFirst() throws {
        var state = DashboardState(survey: try Self.survey())
        func review(_ respondent: String, _ field: String, _ texts: [String], instance: String = "uuid:1") -> CodingReviewRecord {
            let items = texts.map { ReviewItem(field: field, source: "answers.\(field)", text: $0, reason: .noCode, candidates: []) }
            return CodingReviewRecord(
                respondentID: respondent,
                field: field,
                instanceID: instance,
                codebookVersion: "1.0.0",
                position: "",
                items: items
            )
        }
        func offer(_ record: CodingReviewRecord) -> Bool { state.offer(review: record, key: record.key) }

        #expect(offer(review("E1", "field_a", ["first text"])))
        #expect(offer(review("E2", "field_a", ["second text", "<img src=x onerror=alert(1)>"])))
        #expect(!offer(review("E1", "field_a", ["first text"])), "the same record again changes nothing")
        #expect(offer(review("E1", "field_a", ["first text, edited"], instance: "uuid:2")), "a newer version replaces the key's record")
        #expect(state.reviewCount == 2)
        #expect(state.latestReview.map(\.text) == ["first text, edited", "second text", "<img src=x onerror=alert(1)>"])

        let settled = state.offer(review: nil, key: CodingReviewRecord.key(respondentID: "E1", field: "field_a"))
        let absent = state.offer(review: nil, key: "E9|field_a")
        #expect(settled, "a tombstone settles the key")
        #expect(!absent, "a tombstone of an absent key changes nothing")
        #expect(state.reviewCount == 1)
        #expect(state.latestReview.map(\.respondent) == ["E2", "E2"])

        for respondent in 3...9 { _ = offer(review("E\(respondent)", "field_b", ["text of E\(respondent)"])) }
        let latest = state.latestReview
        #expect(latest.count == DashboardState.reviewLimit)
        #expect(latest.map(\.respondent) == ["E9", "E8", "E7", "E6", "E5"], "newest first")

        let lines = try #require(try Self.live(state)["coding_review"] as? [[String: String]])
        #expect(lines.count == DashboardState.reviewLimit)
        #expect(lines.first == ["field": "field_b", "respondent": "E9", "reason": "no_code", "text": "text of E9"])
        state.restartReview()
        let afterRestart = try Self.live(state)["coding_review"] as? [Any]
        #expect(state.latestReview.isEmpty && afterRestart?.isEmpty == true)
    }
}
