import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// `paradata.coding_review` counted by the aggregator: the items of head versions only, carried in
/// the coded record, the changelog and the partial tallies, so the pipeline counts what
/// `tally offline --review` lists.
@Suite struct CodingReviewCountTests {
    private static func survey() throws -> SurveyDefinition {
        try SurveyDefinition(directory: SampleStream.schemasDirectory.path, formId: "wwc-csc-2018")
    }

    private static func item(_ field: String) -> ReviewItem {
        ReviewItem(field: field, source: "answers.\(field)", text: "text of \(field)", reason: .noCode, candidates: [])
    }

    /// The sample's first valid submission, coded, with its review items replaced by `review`.
    private static func coded(
        _ survey: SurveyDefinition,
        review: [ReviewItem],
        instance: String,
        replacing: String? = nil
    ) throws
        -> CodedSubmission
    {
        let message = try #require(try SampleStream.load().messages.first)
        guard case .valid(var submission) = survey.validator.validate(message.value) else {
            Issue.record("the sample's first message should be valid")
            throw CancellationError()
        }
        submission.instanceId = instance
        submission.deprecatedId = replacing
        var coding = survey.coder.code(submission: submission)
        coding.review = review
        return CodedSubmission(submission: submission, coding: coding)
    }

    @Test func theDocumentCountsTheSampleQueuePerFieldAndTheChangelogAndWireFormKeepTheCounts() throws {
        let survey = try Self.survey()
        var run = OfflineTally(survey: survey)
        for message in try SampleStream.load().messages {
            run.process(KeyedMessage(key: message.key.isEmpty ? nil : Array(message.key.utf8), value: message.value, line: message.line))
        }
        let queue = run.review.countsByField
        #expect(!queue.isEmpty)
        #expect(run.document().codingReview == queue, "the aggregator counts the items of the versions the queue keeps")

        // A restarted aggregator restores the counts from the changelog; a partial carries them on the wire.
        var restored = Aggregator(plan: survey.plan, frame: survey.frame)
        for record in run.aggregator.allChangelogRecords() { try restored.restore(record) }
        #expect(restored.snapshot().codingReview == queue)
        let partial = run.aggregator.snapshot()
        #expect(try PartialTally(decoding: partial.encoded()) == partial)
        #expect(
            try PartialTally.merge([partial, PartialTally(formId: partial.formId, partitions: [9: 1])], formId: partial.formId).codingReview == queue
        )
    }

    @Test func onlyTheHeadVersionsItemsCountAndAnEditThatSettlesThemRetractsThem() throws {
        let survey = try Self.survey()
        var aggregator = Aggregator(plan: survey.plan, frame: survey.frame)
        let first = try Self.coded(survey, review: [Self.item("evidence_source"), Self.item("fgc_timing")], instance: "uuid:review-1")
        #expect(aggregator.apply(first).isAccepted)
        #expect(aggregator.snapshot().codingReview == ["evidence_source": 1, "fgc_timing": 1])

        // A second fresh submission is a duplicate: its items count nowhere.
        let duplicate = try Self.coded(survey, review: [Self.item("whole_system_model")], instance: "uuid:review-2")
        #expect(aggregator.apply(duplicate).rejection?.reason == .duplicateRespondent)
        #expect(aggregator.snapshot().codingReview == ["evidence_source": 1, "fgc_timing": 1])

        let edit = try Self.coded(survey, review: [Self.item("fgc_timing")], instance: "uuid:review-3", replacing: "uuid:review-1")
        #expect(aggregator.apply(edit).isAccepted)
        #expect(aggregator.snapshot().codingReview == ["fgc_timing": 1])
        let settled = try Self.coded(survey, review: [], instance: "uuid:review-4", replacing: "uuid:review-3")
        #expect(aggregator.apply(settled).isAccepted)
        #expect(aggregator.snapshot().codingReview == nil, "a settled queue leaves no counts behind")
    }

    @Test func aCodedRecordCarriesItsReviewItemsWithTheirCandidates() throws {
        let survey = try Self.survey()
        let items = try SampleStream.load().messages.lazy.compactMap { message -> CodingResult? in
            guard case .valid(let submission) = survey.validator.validate(message.value) else { return nil }
            let coding = survey.coder.code(submission: submission)
            return coding.review.contains { !$0.candidates.isEmpty } ? coding : nil
        }
        let coding = try #require(items.first, "some sample text should have review candidates")
        var bytes: [UInt8] = []
        coding.writeJSON(into: &bytes)
        let decoded = try CodingResult(jsonValue: try JSONParser().parse(bytes))
        #expect(decoded.review == coding.review)
        #expect(decoded == coding)
        #expect(JSONWriter().bytes(coding.jsonValue) == bytes, "the direct writer and the JSON value agree")
    }
}
