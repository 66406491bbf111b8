import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The aggregator's rules on small hand-made submissions, under a small plan that is not the
/// LA survey's (the engine knows no survey).
@Suite struct AggregationTests {
    static let planYAML = """
        plan_version: 1
        form_id: demo
        reference_date: "2020-03-01"
        fields:
          - { name: colour, from: options, path: answers.colour, multi: false, codes: [red, blue] }
          - { name: themes, from: coded, source: [answers.story], codes: [a, b] }
          - name: age_band
            from: band
            path: "answers.items.*.year"
            bands:
              - { code: recent, min_years: 0, max_years: 4 }
              - { code: old, min_years: 5 }
            missing: none
        numeric:
          - { name: weeks, from: coded_number }
          - { name: score, from: answer, path: answers.score }
        crosstabs:
          - { name: age x colour, rows: age_band, columns: colour }
        """
    let plan: TallyPlan
    let frame: Frame

    init() throws {
        plan = try TallyPlan(yaml: Self.planYAML)
        frame = try Frame(csv: "respondent_id,region\nR1,North\nR2,North\nR3,South\n")
    }

    func coded(
        _ respondent: String,
        _ instance: String,
        deprecated: String? = nil,
        colour: String = "red",
        themes: [String] = ["a"],
        year: Double? = 2018,
        weeks: Double? = 12,
        day: String = "2020-02-03"
    ) -> CodedSubmission {
        var answers: [String: JSONValue] = ["colour": .string(colour), "story": .string("a story")]
        if let year { answers["items"] = .object(["x": .object(["year": .number(year)]), "y": .object(["year": .number(year + 1)])]) }
        let submission = Submission(
            formId: "demo",
            formVersion: "1",
            instanceId: instance,
            deprecatedId: deprecated,
            respondentId: respondent,
            submittedAt: "\(day)T10:00:00+00:00",
            answers: .object(answers)
        )
        let numbers =
            weeks.map {
                [
                    "weeks": CodedNumber(
                        value: $0,
                        evidence: Evidence(code: "weeks", rule: "t", source: "answers.story", start: 0, end: 1, matched: "x")
                    )
                ]
            } ?? [:]
        return CodedSubmission(
            submission: submission,
            coding: CodingResult(
                codebookVersion: "cb1",
                fields: ["themes": CodedField(answered: true, codes: themes, evidence: [])],
                numbers: numbers
            )
        )
    }

    func document(_ aggregator: Aggregator) -> TallyDocument { TallyDocument(merged: aggregator.snapshot(), plan: plan, frame: frame) }

    func count(_ doc: TallyDocument, _ field: String, _ code: String) -> Int? {
        doc.fields.first { $0.name == field }?.codes.first { $0.code == code }?.count
    }

    @Test func firstSubmissionIsCountedWithItsCodesBandAndNumbers() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        #expect(aggregator.apply(coded("R1", "i1")) == .acceptedFirst)
        let doc = document(aggregator)
        #expect(doc.countedRespondents == 1)
        #expect(count(doc, "colour", "red") == 1)
        #expect(count(doc, "themes", "a") == 1)
        #expect(count(doc, "age_band", "recent") == 1)  // earliest year 2018, two years before 2020
        #expect(doc.numeric.first { $0.name == "weeks" }?.median == 12)
        #expect(doc.crosstabs.first?.cells == [[1, 0], [0, 0], [0, 0]])
        #expect(doc.responseRate.byRegion.map(\.rate.responded) == [1, 0])
    }

    @Test func editReplacesTheHeadVersionsContribution() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        _ = aggregator.apply(coded("R1", "i1"))
        #expect(
            aggregator.apply(coded("R1", "i2", deprecated: "i1", colour: "blue", themes: ["b"], year: 2010, weeks: 26))
                == .acceptedEdit(replaced: "i1")
        )
        let doc = document(aggregator)
        #expect(doc.countedRespondents == 1)
        #expect(count(doc, "colour", "red") == 0)
        #expect(count(doc, "colour", "blue") == 1)
        #expect(count(doc, "themes", "a") == 0)
        #expect(count(doc, "age_band", "old") == 1)
        #expect(doc.numeric.first { $0.name == "weeks" }.map { [$0.n, Int($0.median ?? 0)] } == [1, 26])
        #expect(doc.paradata.acceptedFirstSubmissions == 1 && doc.paradata.acceptedEdits == 1)
        #expect(aggregator.state(of: "R1")?.headInstanceId == "i2")
    }

    @Test func staleEditIsRejectedAndLeavesTheTallyAlone() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        _ = aggregator.apply(coded("R1", "i1"))
        _ = aggregator.apply(coded("R1", "i2", deprecated: "i1"))
        let before = aggregator.snapshot()
        let outcome = aggregator.apply(coded("R1", "i3", deprecated: "i1", colour: "blue"))
        #expect(outcome.rejection?.reason == .staleEdit)
        var after = aggregator.snapshot()
        #expect(after.paradata.rejectedByReason == ["stale_edit": 1])
        after.paradata = before.paradata
        after.partitions = before.partitions
        #expect(after == before)
    }

    @Test func editWithoutAnAcceptedVersionIsStale() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        #expect(aggregator.apply(coded("R1", "i2", deprecated: "i1")).rejection?.reason == .staleEdit)
        #expect(document(aggregator).countedRespondents == 0)
    }

    @Test func freshSubmissionForARespondentWithAHeadIsADuplicate() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        _ = aggregator.apply(coded("R1", "i1"))
        #expect(aggregator.apply(coded("R1", "i9", colour: "blue")).rejection?.reason == .duplicateRespondent)
        #expect(count(document(aggregator), "colour", "red") == 1)
    }

    @Test func identicalResendOfASupersededVersionIsANoop() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        let first = coded("R1", "i1")
        _ = aggregator.apply(first)
        _ = aggregator.apply(coded("R1", "i2", deprecated: "i1", colour: "blue"))
        #expect(aggregator.apply(first) == .noop)
        let doc = document(aggregator)
        #expect(count(doc, "colour", "blue") == 1)
        #expect(doc.paradata.noopIdenticalResends == 1 && doc.paradata.rejectedTotal == 0)
    }

    @Test func sameInstanceWithOtherContentIsAConflict() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        _ = aggregator.apply(coded("R1", "i1"))
        #expect(aggregator.apply(coded("R1", "i1", colour: "blue")).rejection?.reason == .instanceConflict)
        #expect(aggregator.apply(coded("R1", "i1", day: "2020-02-04")).rejection?.reason == .instanceConflict)
        #expect(count(document(aggregator), "colour", "red") == 1)
    }

    @Test func respondentOutsideTheFrameIsRejected() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        #expect(aggregator.apply(coded("R404", "i1")).rejection?.reason == .unknownRespondent)
        #expect(aggregator.state(of: "R404") == nil)
        #expect(aggregator.paradataRecord.paradata.rejectedByReason == ["unknown_respondent": 1])
    }

    @Test func upstreamRejectionsCountMessagesAndProblemsByCode() {
        var aggregator = Aggregator(plan: plan, frame: frame)
        let problems = [
            Problem(pointer: "/a", code: .required, message: "m"), Problem(pointer: "/b", code: .required, message: "m"),
            Problem(pointer: "/c", code: .outOfRange, message: "m"),
        ]
        aggregator.recordUpstreamRejection(Rejection(reason: .invalid, problems: problems))
        aggregator.recordUpstreamRejection(Rejection(reason: .invalid, problems: [Problem(pointer: "", code: .invalidJSON, message: "m")]))
        _ = aggregator.apply(coded("R1", "i1"))
        let paradata = aggregator.snapshot().paradata
        #expect(paradata.received == 3 && paradata.valid == 1 && paradata.rejectedTotal == 2)
        #expect(paradata.invalidMessagesByProblemCode == ["required": 1, "out_of_range": 1, "invalid_json": 1])
        #expect(paradata.invalidProblemsByCode == ["required": 2, "out_of_range": 1, "invalid_json": 1])
        #expect(paradata.acceptedVersionsPerDay == ["2020-02-03": 1])
    }

    @Test func fingerprintIgnoresMemberOrderAndHasAStableValue() throws {
        let a = try TallySample.submission(
            ReferenceJSONValue.parse(
                Data(
                    #"{"form_id":"f","form_version":"1","instance_id":"uuid:1","respondent_id":"R1","submitted_at":"2020-01-01T00:00:00Z","answers":{"x":1,"y":[true,"é"]}}"#
                        .utf8
                )
            ),
            line: 1
        )
        let b = try TallySample.submission(
            ReferenceJSONValue.parse(
                Data(
                    #"{"answers":{"y":[true,"é"],"x":1.0},"submitted_at":"2020-01-01T00:00:00Z","respondent_id":"R1","instance_id":"uuid:1","form_version":"1","form_id":"f"}"#
                        .utf8
                )
            ),
            line: 1
        )
        var c = a
        c.answers = .object(["x": .number(2), "y": .array([.bool(true), .string("é")])])
        #expect(ContentFingerprint(of: a) == ContentFingerprint(of: b))
        #expect(ContentFingerprint(of: a) != ContentFingerprint(of: c))
        // Pinned: state written by one build must be read the same by the next (the value was
        // computed independently in Python from the scheme ContentHasher documents).
        #expect(ContentFingerprint(of: a).description == "bba93a8e46abfa24")
    }

    @Test func respondentStateRoundTripsThroughChangelogBytes() throws {
        var aggregator = Aggregator(plan: plan, frame: frame)
        _ = aggregator.apply(coded("R1", "i1"))
        _ = aggregator.apply(coded("R1", "i2", deprecated: "i1", weeks: nil))
        let records = aggregator.takeChangelog()
        #expect(records.map(\.key) == ["R1"])
        let state = try JSONDecoder().decode(RespondentState.self, from: records[0].value)
        #expect(state == aggregator.state(of: "R1"))
        #expect(state.versions.count == 2 && state.contribution?.numbers.isEmpty == true)
    }

    @Test func restoreReplacesAnEarlierRecordOfTheSameKey() throws {
        var aggregator = Aggregator(plan: plan, frame: frame)
        _ = aggregator.apply(coded("R1", "i1"))
        let older = aggregator.takeChangelog()
        _ = aggregator.apply(coded("R1", "i2", deprecated: "i1", colour: "blue"))
        aggregator.recordUpstreamRejection(Rejection(reason: .invalid))
        let newer = aggregator.takeChangelog()
        #expect(newer.last?.key == "__paradata__/0")

        var restored = Aggregator(plan: plan, frame: frame)
        for record in older + newer { try restored.restore(record) }
        #expect(restored.snapshot() == aggregator.snapshot())
        #expect(count(document(restored), "colour", "red") == 0)
    }

    @Test func misplacedChangelogRecordsAreRefused() throws {
        var aggregator = Aggregator(plan: plan, frame: frame, partition: 3)
        _ = aggregator.apply(coded("R1", "i1"))
        aggregator.recordUpstreamRejection(Rejection(reason: .invalid))
        let records = aggregator.takeChangelog()
        var other = Aggregator(plan: plan, frame: frame, partition: 4)
        #expect(throws: TallyError.self) { try other.restore(records[1]) }
        #expect(throws: TallyError.self) { try other.restore(ChangelogRecord(key: "R2", value: records[0].value)) }
        #expect(throws: TallyError.self) { try other.restore(ChangelogRecord(key: "R2", value: Data("{".utf8))) }
        #expect(other.snapshot().counted == 0)
    }

    @Test func sequenceNumberCountsMessagesAndSurvivesRestore() throws {
        var aggregator = Aggregator(plan: plan, frame: frame, partition: 2)
        _ = aggregator.apply(coded("R1", "i1"))
        _ = aggregator.apply(coded("R1", "i1"))
        aggregator.recordUpstreamRejection(Rejection(reason: .invalid))
        #expect(aggregator.snapshot().partitions == [2: 3])
        var restored = Aggregator(plan: plan, frame: frame, partition: 2)
        for record in aggregator.allChangelogRecords() { try restored.restore(record) }
        #expect(restored.snapshot(asOf: "2020-03-01T00:00:00Z").partitions == [2: 3])
    }
}
