import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import Logging
import SurveyEngine
import TallyWorker
import Testing

/// The three stages' processors chained in memory (no broker): the wire formats between them,
/// the dead letters, the changelog and the exactly-once rules, on the 2018 sample.
@Suite struct InMemoryPipelineTests {
    let sample: TallySample
    let survey: SurveyDefinition
    let configuration = WorkerConfiguration(workerName: "tally-aggregate")
    let logger = Logger(label: "test")

    init() throws {
        sample = try TallySample()
        survey = try SurveyDefinition(directory: sample.packageRoot.appendingPathComponent("Schemas").path)
    }

    /// The sample stream as records of partition 0 of the submissions topic.
    func submissions() throws -> [KafkaRecord] {
        let bytes = try Data(contentsOf: sample.packageRoot.appendingPathComponent("Schemas/wwc-csc-2018/sample/stream.tsv"))
        return KeyedMessageFile.parse(Array(bytes)).enumerated().map { offset, message in
            KafkaRecord(topic: "survey.submissions", partition: 0, offset: Int64(offset), key: message.key, value: message.value)
        }
    }

    /// Records produced to `topic`, as a consumer of partition 0 would read them.
    func consumed(_ output: BatchOutput, topic: String, from start: Int64 = 0) -> [KafkaRecord] {
        output.phases.joined().filter { $0.topic == topic }.enumerated().map { i, r in
            KafkaRecord(topic: topic, partition: 0, offset: start + Int64(i), key: r.key, value: r.value, headers: r.headers)
        }
    }

    func runStages() async throws -> (validated: BatchOutput, coded: BatchOutput) {
        let validate = ValidateProcessor(validator: survey.validator, configuration: WorkerConfiguration(workerName: "tally-validate"))
        let validated = try await validate.process(try submissions())
        let code = CodeProcessor(validator: survey.validator, coder: survey.coder, configuration: WorkerConfiguration(workerName: "tally-code"))
        let coded = try await code.process(consumed(validated, topic: "survey.valid"))
        return (validated, coded)
    }

    func aggregator(restoring records: [(partition: Int, record: ChangelogRecord)] = [], tombstoneEveryField: Bool = false) -> AggregateProcessor {
        AggregateProcessor(
            plan: survey.plan,
            frame: survey.frame,
            validator: survey.validator,
            configuration: configuration,
            logger: logger,
            debounce: .zero,
            loadChangelog: { _, body in try await body(records) },
            tombstoneEveryField: tombstoneEveryField
        )
    }

    func publishedDocument(_ processor: AggregateProcessor) async throws -> (TallyDocument, PartialTally) {
        let published = await processor.periodicOutput()
        try #require(published.count == 1)
        #expect(published[0].key == Array("wwc-csc-2018/0".utf8))
        let partial = try PartialTally(decoding: Data(try #require(published[0].value)))
        return (TallyDocument(merged: partial, plan: survey.plan, frame: survey.frame), partial)
    }

    @Test func validateAndCodeSplitTheSampleIntoValidAndDeadLetters() async throws {
        let (validated, coded) = try await runStages()
        #expect(consumed(validated, topic: "survey.valid").count == 88 - 11 - 3)
        let letters = try consumed(validated, topic: "survey.rejected").map { try JSONDecoder().decode(DeadLetter.self, from: Data($0.value!)) }
        #expect(letters.count == 14)
        #expect(Dictionary(grouping: letters, by: \.reason).mapValues(\.count) == ["invalid": 11, "unknown_respondent": 3])
        #expect(letters.allSatisfy { $0.worker == "tally-validate" && $0.source.topic == "survey.submissions" })
        // The line that is not UTF-8 keeps its bytes, in base64.
        let binary = try #require(letters.first { $0.problems.contains { $0.code == .invalidUTF8 } })
        #expect(binary.value == nil && binary.valueBase64 != nil && !binary.originalValue.isEmpty)
        #expect(validated.rejectedByReason == ["invalid": 11, "unknown_respondent": 3])
        #expect(consumed(coded, topic: "survey.coded").count == 74)
        #expect(consumed(coded, topic: "survey.rejected").isEmpty)
        // Every coded record carries the submission byte for byte and the source position.
        let valid = consumed(validated, topic: "survey.valid")
        for (input, output) in zip(valid, consumed(coded, topic: "survey.coded")) {
            let record = try CodedRecord(bytes: output.value!)
            #expect(record.submission == (try JSONParser().parse(input.value!)))
            #expect(record.source == KafkaTopicPartitionOffset.carried(by: input))
            #expect(record.coding.codebookVersion == survey.codebook.version)
            // The aggregator's read, without evidence, has the same submission, codes and numbers.
            let lean = try CodedRecord(bytes: output.value!, readsEvidence: false)
            #expect(lean.submission == record.submission && lean.source == record.source)
            #expect(lean.coding.fields.mapValues(\.codes) == record.coding.fields.mapValues(\.codes))
            #expect(lean.coding.fields.mapValues(\.answered) == record.coding.fields.mapValues(\.answered))
            #expect(lean.coding.numbers.mapValues(\.value) == record.coding.numbers.mapValues(\.value))
            #expect(lean.coding.fields.values.allSatisfy { $0.evidence.isEmpty })
        }
        #expect(
            consumed(coded, topic: "survey.coded").contains { (try? CodedRecord(bytes: $0.value!))?.coding.numbers.isEmpty == false },
            "the sample states durations, so the numbers' unread evidence is exercised"
        )
        // The aggregator reads dead letters without their values: everything else as JSONDecoder reads it.
        for (letter, record) in zip(letters, consumed(validated, topic: "survey.rejected")) {
            var expected = letter
            expected.value = nil
            #expect(DeadLetter.withoutValue(record.value!) == expected)
        }
    }

    @Test func sourcePositionsReadBackFromTheirHeaderTextAndOtherTextIsRefused() {
        let position = KafkaTopicPartitionOffset(topic: "survey.submissions", partition: 2, offset: 9_000_000_001)
        #expect(KafkaTopicPartitionOffset(text: position.text) == position)
        #expect(KafkaTopicPartitionOffset(text: "t/0/0") == KafkaTopicPartitionOffset(topic: "t", partition: 0, offset: 0))
        for text in ["", "survey.submissions", "survey.submissions/2", "/2/41", "a/b/2/41", "t/x/41", "t/2/", "t//41", "t/2/4 1"] {
            #expect(KafkaTopicPartitionOffset(text: text) == nil, "\(text) is not topic/partition/offset")
        }
    }

    @Test func deadLettersAreTheJSONThatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let source = KafkaTopicPartitionOffset(topic: "survey.submissions", partition: 2, offset: 41)
        let rejection = Rejection(
            reason: .invalid,
            problems: [
                Problem(pointer: "/answers/a/b", code: .required, message: "say \"why\" \\ here\n\t\u{1} é"),
                Problem(pointer: "", code: .invalidUTF8, message: "m"),
            ],
            respondentId: "E1/2",
            instanceId: "uuid:1"
        )
        var letters = [
            DeadLetter(
                rejection: rejection,
                detail: "a detail",
                worker: "tally-validate",
                source: source,
                key: Array("k".utf8),
                value: Array(#"{"x":"line\nbreak — ✓"}"#.utf8)
            ),
            DeadLetter(rejection: Rejection(reason: .staleEdit), worker: "tally-aggregate", source: source, key: nil, value: [0xFF, 0x00, 0x41]),
        ]
        letters[1].valueTruncated = true
        letters[1].valueBytes = 70_000
        for letter in letters {
            let mine = try JSONParser().parse(letter.jsonBytes)
            #expect(mine == (try JSONParser().parse(Array(try encoder.encode(letter)))))
            #expect(try JSONDecoder().decode(DeadLetter.self, from: Data(letter.jsonBytes)) == letter)
        }
        #expect(letters[0].rejectedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
    }

    @Test func aggregatedTalliesEqualTheExpectedDocument() async throws {
        let (validated, coded) = try await runStages()
        let processor = aggregator()
        try await processor.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let input = consumed(coded, topic: "survey.coded") + consumed(validated, topic: "survey.rejected")
        let output = try await processor.process(input)
        output.onDelivered?()
        #expect(output.rejectedByReason == ["stale_edit": 2, "duplicate_respondent": 2, "instance_conflict": 1])
        #expect(output.phases.count == 2, "dead letters and changelog go in separate phases")
        #expect(output.phases[0].allSatisfy { [configuration.topics.rejected, configuration.topics.codingReview].contains($0.topic) })
        #expect(output.phases[1].allSatisfy { $0.topic == configuration.topics.changelog && $0.partition == 0 })
        let (document, _) = try await publishedDocument(processor)
        let differences = try TallyComparer().differences(expectedJSON: sample.expectedJSON, document: document)
        #expect(differences.isEmpty, "\(differences.prefix(20))")
    }

    /// The coding review records, read as compaction leaves them (latest per key, tombstones
    /// removing), hold the items `tally offline --review` lists: head versions only.
    @Test func codingReviewRecordsLeaveTheQueueOfTheHeadVersions() async throws {
        let (validated, coded) = try await runStages()
        let processor = aggregator()
        try await processor.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let output = try await processor.process(consumed(coded, topic: "survey.coded") + consumed(validated, topic: "survey.rejected"))
        let review = output.phases[0].filter { $0.topic == configuration.topics.codingReview }
        #expect(review.allSatisfy { $0.value != nil }, "no head with texts in review was replaced: nothing to tombstone")
        var latest: [String: CodingReviewRecord] = [:]
        for record in review {
            let key = String(decoding: try #require(record.key), as: UTF8.self)
            latest[key] = try record.value.map { try CodingReviewRecord(bytes: $0) }
            if let value = latest[key] { #expect(value.key == key && !value.items.isEmpty) }
        }
        let online = latest.values.flatMap { record in record.items.map { $0.jsonLine(respondentID: record.respondentID) } }

        var offline = OfflineTally(survey: survey)
        for message in try submissions() { offline.process(KeyedMessage(key: message.key, value: message.value ?? [], line: 0)) }
        let expected = offline.review.sorted.map { $0.item.jsonLine(respondentID: $0.respondentID) }
        #expect(!expected.isEmpty)
        #expect(online.sorted() == expected.sorted())
    }

    /// An edit that settles the texts its head had in review takes them out of the queue with a
    /// tombstone; a replay (an empty changelog of its own) tombstones every field without texts.
    @Test func anEditThatSettlesItsHeadsReviewTextsTombstonesThatField() async throws {
        let (validated, coded) = try await runStages()
        let processor = aggregator()
        try await processor.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let first = try await processor.process(consumed(coded, topic: "survey.coded") + consumed(validated, topic: "survey.rejected"))
        let queued = try first.phases[0].filter { $0.topic == configuration.topics.codingReview }.map {
            try CodingReviewRecord(bytes: try #require($0.value))
        }
        // A field whose texts in review all come from one answer, and an answer at the same path that went to no review.
        let target = try #require(queued.first { Set($0.items.map(\.source)).count == 1 })
        let path = target.items[0].source.split(separator: ".").map(String.init)
        let documents = try submissions().compactMap { try? JSONSerialization.jsonObject(with: Data(try #require($0.value))) as? [String: Any] }
        let inReview = Set(queued.filter { $0.field == target.field }.map(\.respondentID))
        let settled = try #require(
            documents.lazy.filter { !inReview.contains($0["respondent_id"] as? String ?? "") }
                .compactMap { Self.value(at: path, in: $0) as? String }.first { !$0.isEmpty }
        )
        var edit = try #require(documents.first { $0["instance_id"] as? String == target.instanceID })
        edit["deprecated_id"] = target.instanceID
        edit["instance_id"] = "uuid:5e771ed0-0000-4000-8000-00000000ed17"
        Self.set(settled, at: path, in: &edit)
        let record = KafkaRecord(
            topic: "survey.submissions",
            partition: 0,
            offset: 10_000,
            key: Array(target.respondentID.utf8),
            value: Array(try JSONSerialization.data(withJSONObject: edit))
        )
        let validatedEdit = try await ValidateProcessor(validator: survey.validator, configuration: WorkerConfiguration(workerName: "tally-validate"))
            .process([record])
        let codedEdit = try await CodeProcessor(
            validator: survey.validator,
            coder: survey.coder,
            configuration: WorkerConfiguration(workerName: "tally-code")
        )
        .process(consumed(validatedEdit, topic: "survey.valid", from: 10_000))
        let second = try await processor.process(consumed(codedEdit, topic: "survey.coded", from: 10_000))
        #expect(consumed(codedEdit, topic: "survey.coded").count == 1 && second.rejectedByReason.isEmpty, "the edit names the head: accepted")
        let written = second.phases[0].filter { $0.topic == configuration.topics.codingReview }
        let key = CodingReviewRecord.key(respondentID: target.respondentID, field: target.field)
        #expect(written.contains { $0.key == Array(key.utf8) && $0.value == nil }, "the settled field's record is a tombstone")
        #expect(written.filter { $0.value == nil }.count == 1, "no other field had texts to take out")

        let replay = aggregator(tombstoneEveryField: true)
        try await replay.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let replayed = try await replay.process(consumed(coded, topic: "survey.coded"))
        let tombstones = replayed.phases[0].filter { $0.topic == configuration.topics.codingReview && $0.value == nil }
        #expect(tombstones.count > queued.count, "a replay tombstones every settled field of every head")
    }

    private static func value(at path: [String], in document: [String: Any]) -> Any? {
        path.dropLast().reduce(document as Any?) { ($0 as? [String: Any])?[$1] }.flatMap { ($0 as? [String: Any])?[path.last!] }
    }

    private static func set(_ value: Any, at path: [String], in document: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            document[head] = value
        } else {
            var inner = document[head] as? [String: Any] ?? [:]
            set(value, at: Array(path.dropFirst()), in: &inner)
            document[head] = inner
        }
    }

    /// Records produced into `survey.valid` by someone else: tally-code rejects what it cannot
    /// code (not a JSON object with a respondent id and answers); what it can code but breaks the
    /// instrument is rejected by tally-aggregate, which validates before counting, and counts nothing.
    @Test func foreignRecordsInTheValidTopicEndRejectedNeverCounted() async throws {
        let (validated, _) = try await runStages()
        let letters = try consumed(validated, topic: "survey.rejected").map { try JSONDecoder().decode(DeadLetter.self, from: Data($0.value!)) }
        let breaksRules = letters.filter { $0.reason == "invalid" }.map(\.originalValue).filter { bytes in
            guard let document = try? JSONParser().parse(bytes) else { return false }
            return document["respondent_id"]?.stringValue?.isEmpty == false && document["answers"]?.objectValue != nil
        }
        try #require(breaksRules.count >= 3, "the sample has invalid submissions with a respondent id and answers")
        let uncodable: [[UInt8]] = [Array("not json".utf8), Array("{}".utf8), Array(#"{"respondent_id":"E06000001","answers":[]}"#.utf8)]
        let foreign = (uncodable + breaksRules).enumerated().map { offset, value in
            KafkaRecord(topic: "survey.valid", partition: 0, offset: Int64(offset), key: nil, value: value)
        }
        let code = CodeProcessor(validator: survey.validator, coder: survey.coder, configuration: WorkerConfiguration(workerName: "tally-code"))
        let coded = try await code.process(foreign)
        let codeLetters = try consumed(coded, topic: "survey.rejected").map { try JSONDecoder().decode(DeadLetter.self, from: Data($0.value!)) }
        #expect(codeLetters.map(\.originalValue) == uncodable)
        #expect(codeLetters.allSatisfy { $0.worker == "tally-code" && $0.reason == "invalid" && !$0.problems.isEmpty })
        #expect(consumed(coded, topic: "survey.coded").count == breaksRules.count)

        let processor = aggregator()
        try await processor.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let output = try await processor.process(consumed(coded, topic: "survey.coded"))
        output.onDelivered?()
        #expect(output.rejectedByReason == ["invalid": breaksRules.count])
        let (_, partial) = try await publishedDocument(processor)
        #expect(partial.counted == 0)
    }

    @Test func redeliveredRecordsChangeNothing() async throws {
        let (validated, coded) = try await runStages()
        let processor = aggregator()
        try await processor.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let input = consumed(coded, topic: "survey.coded") + consumed(validated, topic: "survey.rejected")
        try await processor.process(input).onDelivered?()
        let (_, first) = try await publishedDocument(processor)
        // A crashed validator and coder send everything again, at new offsets of their output topics.
        let again = consumed(coded, topic: "survey.coded", from: 1_000) + consumed(validated, topic: "survey.rejected", from: 1_000)
        let second = try await processor.process(again)
        second.onDelivered?()
        #expect(second.phases[0].isEmpty, "no dead letter is written twice")
        let (_, after) = try await publishedDocument(processor)
        #expect(after.paradata == first.paradata)
        #expect(after.fields == first.fields && after.counted == first.counted)
    }

    @Test func restoringTheChangelogRebuildsTheSameTally() async throws {
        let (validated, coded) = try await runStages()
        let processor = aggregator()
        try await processor.prepare([KafkaTopicPartition(topic: "survey.coded", partition: 0)])
        let input = consumed(coded, topic: "survey.coded") + consumed(validated, topic: "survey.rejected")
        // Two batches, so the changelog holds superseded records of some keys, as a topic would.
        let output1 = try await processor.process(Array(input.prefix(40)))
        let output2 = try await processor.process(Array(input.dropFirst(40)))
        output1.onDelivered?()
        output2.onDelivered?()
        let (_, original) = try await publishedDocument(processor)
        let changelog = (output1.phases[1] + output2.phases[1]).map {
            (partition: $0.partition!, record: ChangelogRecord(key: String(decoding: $0.key!, as: UTF8.self), value: Data($0.value!)))
        }
        let restored = aggregator(restoring: changelog)
        try await restored.prepare([KafkaTopicPartition(topic: "survey.rejected", partition: 0)])
        let (_, rebuilt) = try await publishedDocument(restored)
        #expect(rebuilt.paradata == original.paradata)
        #expect(rebuilt.fields == original.fields && rebuilt.numeric == original.numeric && rebuilt.crosstabs == original.crosstabs)
        #expect(rebuilt.partitions == original.partitions, "the sequence number survives a restore")
    }
}
