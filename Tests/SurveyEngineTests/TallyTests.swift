import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The tally plan, partial tallies (wire format, merging, the reader's newest-per-partition
/// rule) and the rendered document (percentages, intervals, suppression, report).
@Suite struct TallyTests {
    let sample: TallySample

    init() throws {
        sample = try TallySample()
    }

    func sampleTally(partition: Int = 0) -> PartialTally {
        var aggregator = Aggregator(plan: sample.plan, frame: sample.frame, partition: partition)
        _ = sample.apply(to: &aggregator)
        return aggregator.snapshot(asOf: "2018-06-30T12:00:00Z")
    }

    @Test func planFromSchemasListsFieldsInDocumentOrder() {
        let plan = sample.plan
        #expect(plan.formId == "wwc-csc-2018" && plan.referenceYear == 2018)
        #expect(plan.fields.first?.name == "top_approaches" && plan.fields.last?.name == "established_band")
        #expect(plan.field(named: "established_band")?.codes.last == "unknown")
        #expect(plan.crosstabs.map(\.name) == ["established_band x care_trend"])
    }

    @Test(arguments: [
        ("plan_version: 2\nform_id: f\nreference_date: \"2020-01-01\"\nfields: []", "plan_version 2"),
        ("plan_version: 1\nform_id: f\nreference_date: \"2020-01-01\"\nfields:\n  - { name: a, from: options, codes: [x] }", "needs path"),
        (
            "plan_version: 1\nform_id: f\nreference_date: \"2020-01-01\"\nfields:\n  - { name: a, from: options, path: answers.a, codes: [x] }\ncrosstabs:\n  - { name: t, rows: a, columns: b }",
            "'b'"
        ),
        (
            "plan_version: 1\nform_id: f\nreference_date: \"2020-01-01\"\nfields:\n  - { name: a, from: band, path: answers.y, missing: m, bands: [{ code: p, min_years: 0, max_years: 5 }, { code: q, min_years: 5 }] }",
            "overlap"
        ),
        (
            "plan_version: 1\nform_id: f\nreference_date: \"2020-01-01\"\nfields:\n  - { name: a, from: options, path: ans.a, codes: [x] }",
            "must start with"
        ),
        ("plan_version: 1\nform_id: f\nreference_date: \"2020-01-01\"\nfields:\n  - { name: a, from: options, path: answers.a }", "lists no codes"),
        ("plan_version: 1\nform_id: f\nfields: []", "reference_date"),
    ])
    func planErrorsNameWhatToFix(yaml: String, phrase: String) {
        #expect {
            _ = try TallyPlan(yaml: yaml)
        } throws: { error in
            (error as? SurveyDefinitionError)?.message.contains(phrase) == true
        }
    }

    @Test func wilsonIntervalMatchesPublishedValues() throws {
        // Newcombe (1998), table I: 0/10 → 0–0.2775; 81/263 → 0.2553–0.3662.
        let none = try #require(WilsonInterval(count: 0, base: 10))
        #expect(abs(none.lower) < 1e-12 && abs(none.upper - 27.75) < 0.005)
        let some = try #require(WilsonInterval(count: 81, base: 263))
        #expect(abs(some.lower - 25.53) < 0.005 && abs(some.upper - 36.62) < 0.005)
        #expect(WilsonInterval(count: 0, base: 0) == nil)
    }

    @Test func medianIsExactAfterRetractions() {
        var values = NumericMultiset([6, 12, 12, 13, 26, 50])
        #expect(values.median == 12.5)
        values.remove(13)
        values.remove(50)
        #expect(values.median == 12 && values.min == 6 && values.max == 26 && values.count == 4)
        let removedAbsent = values.remove(99)
        #expect(!removedAbsent && values.count == 4)
        values.formUnion(NumericMultiset([1, 1]))
        #expect(values.median == 9)
    }

    @Test func partialTallyRoundTripsThroughWireBytes() throws {
        let partial = sampleTally(partition: 5)
        let decoded = try PartialTally(decoding: partial.encoded())
        #expect(decoded == partial)
        #expect(decoded.encoded() == partial.encoded())
        #expect(throws: TallyError.self) { try PartialTally(decoding: Data("{\"form_id\":1}".utf8)) }
    }

    @Test(arguments: [true, false])
    func partialTallyWireBytesAreTheJSONOfItsCodableFormWithKeysInByteOrder(withAsOf: Bool) throws {
        // Two partitions (2 and 10: their keys sort differently as text and as numbers), every map filled.
        var partial = try sampleTally(partition: 10).merging(sampleTally(partition: 2))
        partial.asOf = withAsOf ? "2018-06-30T12:00:00Z" : nil
        #expect(
            !partial.fields.isEmpty && !partial.numeric.isEmpty && !partial.crosstabs.isEmpty
                && !partial.respondedByRegion.isEmpty && !partial.paradata.rejectedByReason.isEmpty
        )
        let written = partial.encoded()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let parser = JSONParser()
        #expect(try parser.parse(Array(written)) == parser.parse(Array(encoder.encode(partial))))
        #expect(try PartialTally(decoding: written) == partial)
        // Equal tallies give equal bytes: keys of every object are written in byte order.
        #expect(String(decoding: written, as: UTF8.self).contains(#""partitions":{"10":"#))
        #expect(JSONWriter().bytes(try parser.parse(Array(written))) == Array(written))
    }

    @Test func mergingTwoPartialsOfOnePartitionIsRefused() {
        let partial = sampleTally()
        #expect { try partial.merging(partial) } throws: { ($0 as? TallyError)?.code == .overlappingPartitions }
        var other = PartialTally(formId: "another-form", partitions: [1: 1])
        other.counted = 1
        #expect { try partial.merging(other) } throws: { ($0 as? TallyError)?.code == .formMismatch }
    }

    @Test func readerKeepsTheNewestPartialPerPartition() throws {
        var reader = PartialTallySet(formId: sample.plan.formId)
        let newest = sampleTally(partition: 0)
        var older = PartialTally(formId: sample.plan.formId, partitions: [0: 10])
        older.counted = 3
        let taken = [
            try reader.offer(newest), try reader.offer(older), try reader.offer(newest),
            try reader.offer(PartialTally(formId: sample.plan.formId, partitions: [1: 1])),
        ]
        #expect(taken == [true, false, false, true])
        #expect(reader.merged().counted == 60)
        #expect(reader.merged().partitions == [0: 88, 1: 1])
    }

    @Test func suppressionHidesSmallCellsOnlyWhenAsked() throws {
        let partial = sampleTally()
        let open = TallyDocument(merged: partial, plan: sample.plan, frame: sample.frame)
        let hidden = TallyDocument(merged: partial, plan: sample.plan, frame: sample.frame, options: .init(suppressBelow: 5))
        let tripleP = { (doc: TallyDocument) in doc.fields.first { $0.name == "parenting_programme" }?.codes.first { $0.code == "triple_p" } }
        #expect(tripleP(open)?.count == 4 && tripleP(open)?.percentOfAll != nil)
        #expect(tripleP(hidden)?.count == nil && tripleP(hidden)?.percentOfAll == nil && tripleP(hidden)?.wilson95Answered == nil)
        // Zero is not a small cell, and bases stay.
        #expect(hidden.crosstabs.first?.cells.last == [0, 0, 0, 0])
        #expect(hidden.crosstabs.first?.cells.first == [5, 22, 5, nil])
        #expect(hidden.fields.first { $0.name == "parenting_programme" }?.baseAnswered == 11)
        #expect(hidden.json().contains("\"suppression\": {\n    \"below\": 5\n  }"))
        #expect(hidden.textReport().contains("suppressed"))
    }

    @Test func emptyBaseGivesNullPercentagesNotZero() throws {
        let empty = TallyDocument(merged: PartialTally(formId: sample.plan.formId), plan: sample.plan, frame: sample.frame)
        let code = try #require(empty.fields.first?.codes.first)
        #expect(code.count == 0 && code.percentOfAll == nil && code.wilson95All == nil)
        let json = try ReferenceJSONValue.parse(empty.jsonData())
        #expect(json["fields"]?["top_approaches"]?["codes"]?["whole_system"]?["percent_of_answered"] == .null)
        #expect(json["numeric"]?["duration_weeks"]?["median"] == .null)
        #expect(json["response_rate"]?["overall"]?["percent"] == .number(0))
    }

    @Test func jsonKeepsTheDocumentOrderAndPlanCodeOrder() {
        let json = TallyDocument(merged: sampleTally(), plan: sample.plan, frame: sample.frame).json()
        let keys = [
            "\"form_id\"", "\"frame_size\"", "\"counted_respondents\"", "\"response_rate\"", "\"fields\"", "\"numeric\"", "\"crosstabs\"",
            "\"paradata\"", "\"as_of\"",
        ]
        let positions = keys.compactMap { json.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
        let codes = ["\"whole_system\":", "\"edge_of_care\":", "\"early_help\":", "\"family_group_conferencing\":"].compactMap {
            json.range(of: $0)?.lowerBound
        }
        #expect(codes == codes.sorted())
        #expect(json.contains("\"as_of\": \"2018-06-30T12:00:00Z\""))
    }

    @Test func textReportShowsTheHeadlineFigures() {
        let report = TallyDocument(merged: sampleTally(), plan: sample.plan, frame: sample.frame).textReport()
        #expect(report.contains("Counted respondents: 60 of 152 (39.5%, 95% CI 32.1–47.4%)"))
        #expect(report.contains("whole_system                  49    81.7%    81.7%"))
        #expect(report.contains("signs_of_safety          21    35.0%    42.9%"))
        #expect(report.contains("duration_weeks          n=20  min 6  median 12  max 26"))
        #expect(report.contains("  5_to_10       11          6       3          0"))
        #expect(report.contains("rejected by reason: invalid 11, unknown_respondent 3, stale_edit 2, duplicate_respondent 2, instance_conflict 1"))
    }
}
