import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The coding review queue: what goes to review, how a newer version or codebook settles it, and
/// how `tally offline --review` and the tally document report it.
@Suite struct CodingReviewTests {
    private static func item(_ field: String, _ reason: ReviewItem.Reason = .noCode) -> ReviewItem {
        ReviewItem(field: field, source: "answers.\(field)", text: "text of \(field)", reason: reason, candidates: [])
    }

    @Test func aNewerVersionReplacesItsRespondentsItemsAndSettledKeysLeaveWithATombstone() {
        var queue = ReviewQueue()
        let first = queue.replace(respondentID: "E1", with: [Self.item("a"), Self.item("b")])
        #expect(first.map(\.key) == ["E1|a|answers.a", "E1|b|answers.b"])
        #expect(first.allSatisfy { $0.item != nil })
        let second = queue.replace(respondentID: "E1", with: [Self.item("b", .cancelled)])
        #expect(second.map(\.key) == ["E1|b|answers.b", "E1|a|answers.a"])
        #expect(second[0].item?.reason == .cancelled)
        #expect(second[1].item == nil, "the settled text gets a tombstone")
        #expect(queue.replace(respondentID: "E1", with: [Self.item("b", .cancelled)]).isEmpty, "an unchanged item is not re-published")
        #expect(queue.countsByField == ["b": 1])
        #expect(queue.sorted.map(\.respondentID) == ["E1"])
    }

    @Test func theSampleLeavesFewTextsInReviewAndTheDocumentCountsThemPerField() throws {
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path, formId: "wwc-csc-2018")
        var run = OfflineTally(survey: survey)
        for message in try SampleStream.load().messages {
            run.process(KeyedMessage(key: message.key.isEmpty ? nil : Array(message.key.utf8), value: message.value, line: message.line))
        }
        let items = run.review.sorted
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0.item.source.hasPrefix("answers.") && !$0.item.text.isEmpty })
        // The share of answered texts in review stays below 20% (257 answered texts in the sample): every
        // uncoded text and every code on a weak signal is reviewed, so the queue is not tiny.
        #expect(Double(items.count) / 257 < 0.20, "\(items.count) texts in review")
        let document = run.document()
        #expect(document.codingReview?.values.reduce(0, +) == items.count)
        let json = try ReferenceJSONValue.parse(document.jsonData())
        #expect(json["paradata"]?["coding_review"]?.objectValue != nil)
        #expect(document.textReport().contains("Coding review: \(items.count) texts waiting"))
    }

    @Test func aCodebookCheckOfTheShippedCodebookAgreesWithTheSampleAndListsDisagreementsOfAWorseOne() throws {
        let directory = SampleStream.directory
        let gold = try CodingGold(
            gold: Array(try Data(contentsOf: directory.appendingPathComponent("gold-codes.json"))),
            stream: Array(try Data(contentsOf: directory.appendingPathComponent("stream.tsv")))
        )
        #expect(gold.respondents.count == 60)
        let yaml = try String(contentsOfFile: GoldCodes.codebookPath, encoding: .utf8)
        // The codebook's folder holds its second-opinion model.
        let check = CodebookCheck(coder: try Coder(yaml: yaml, source: GoldCodes.codebookPath), gold: gold)
        #expect(check.fields.allSatisfy { $0.kappa == 1 }, "\(check.report(brief: true))")
        #expect(check.disagreements.isEmpty)
        #expect(check.numbers.first { $0.name == "duration_weeks" }.map { ($0.stated, $0.exact) } ?? (0, 0) == (20, 20))

        // The disability phrases only suggest their code: every text that needs them is missed.
        let worse = try Coder(
            yaml: yaml.replacingOccurrences(
                of: "id: sb.disabilities.phrase\n",
                with: "id: sb.disabilities.phrase\n            review_only: true\n"
            ),
            source: GoldCodes.codebookPath
        )
        let report = CodebookCheck(coder: worse, gold: gold)
        let missed = report.disagreements.filter { $0.code == "children_with_disabilities" }
        #expect(!missed.isEmpty && missed.allSatisfy { $0.kind == .missed && !$0.texts.isEmpty })
        #expect(report.fields.first { $0.field == "short_break_group" }.map { $0.kappa < 1 } == true)
        #expect(report.report().contains("missed children_with_disabilities"))
    }
}
