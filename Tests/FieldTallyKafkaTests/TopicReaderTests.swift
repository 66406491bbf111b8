import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct TopicReaderTests {
    @Test func readToEndReturnsEveryRecordOfACompactedTopicIncludingTombstones() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("changelog", partitions: 4, config: ["cleanup.policy": "compact"])
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        var records: [KafkaProducerRecord] = []
        for version in 0..<2 {
            for key in 0..<20 {
                // Partition 3 stays empty: the reader must still finish.
                records.append(KafkaProducerRecord(topic: topic, key: "r\(key)", value: "v\(version)", partition: key % 3))
            }
        }
        for key in [1, 2, 3] {
            records.append(KafkaProducerRecord(topic: topic, key: "r\(key)", value: nil as String?, partition: key % 3))
        }
        _ = try await producer.sendAll(records)
        await producer.close()

        var latest: [String: String?] = [:]
        var lastOffset: [Int: Int64] = [:]
        var inOrder = true
        let count = try await KafkaTopicReader(configuration: KafkaReaderConfiguration(bootstrapServers: broker.bootstrapServers))
            .readToEnd(topic: topic) { batch in
                for record in batch.records {
                    latest[record.keyString ?? ""] = record.valueString
                    if let previous = lastOffset[record.partition], previous >= record.offset { inOrder = false }
                    lastOffset[record.partition] = record.offset
                }
            }
        #expect(count == records.count)
        #expect(inOrder, "records of a partition arrived out of offset order")
        #expect(latest.count == 20)
        for key in 0..<20 {
            let expected: String? = [1, 2, 3].contains(key) ? nil : "v1"
            #expect(latest["r\(key)"] == .some(expected), "r\(key)")
        }
    }

    @Test func readToEndOfAnEmptyTopicReturnsAtOnce() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("empty", partitions: 2)
        let started = ContinuousClock.now
        let count = try await KafkaTopicReader(configuration: KafkaReaderConfiguration(bootstrapServers: broker.bootstrapServers))
            .readToEnd(topic: topic) { _ in Issue.record("an empty topic produced a batch") }
        #expect(count == 0)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func followStartsAtTheGivenPositionsAcrossTopicsAndKeepsReadingNewRecords() async throws {
        let broker = try await TestBroker.shared()
        let first = try await broker.createTopic("follow-a", partitions: 2)
        let second = try await broker.createTopic("follow-b", partitions: 1)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        var before: [KafkaProducerRecord] = (0..<5).flatMap { n in
            [
                KafkaProducerRecord(topic: first, key: "k", value: "a0-\(n)", partition: 0),
                KafkaProducerRecord(topic: first, key: "k", value: "a1-\(n)", partition: 1),
            ]
        }
        before += (0..<3).map { KafkaProducerRecord(topic: second, key: "k", value: "b0-\($0)", partition: 0) }
        _ = try await producer.sendAll(before)

        // Resume partition 0 of the first topic at offset 3 and the second topic at offset 2;
        // partition 1 of the first topic has no position: from its beginning.
        let positions = [
            KafkaTopicPartitionOffset(topic: first, partition: 0, offset: 3),
            KafkaTopicPartitionOffset(topic: second, partition: 0, offset: 2),
        ]
        struct Done: Error {}
        var seen: [String] = []
        var seenWhenCaughtUp: [String]?
        var next: [KafkaTopicPartition: Int64] = [:]
        let reader = KafkaTopicReader(configuration: KafkaReaderConfiguration(bootstrapServers: broker.bootstrapServers))
        await #expect(throws: Done.self) {
            try await reader.follow(topics: [first, second], from: positions) { event in
                switch event {
                case .caughtUp:
                    seenWhenCaughtUp = seen
                    _ = try await producer.sendAll([KafkaProducerRecord(topic: second, key: "k", value: "b0-new", partition: 0)])
                case .batch(let batch):
                    seen += batch.records.compactMap(\.valueString)
                    for position in batch.nextOffsets { next[position.topicPartition] = position.offset }
                    if seen.contains("b0-new") { throw Done() }
                }
            }
        }
        await producer.close()
        let expectedBefore = ["a0-3", "a0-4"] + (0..<5).map { "a1-\($0)" } + ["b0-2"]
        #expect(seenWhenCaughtUp.map { Set($0) } == Set(expectedBefore), "read before catching up: \(seenWhenCaughtUp ?? [])")
        #expect(seenWhenCaughtUp?.count == expectedBefore.count)
        #expect(seen.last == "b0-new", "the record written after catching up was not read")
        #expect(next[KafkaTopicPartition(topic: second, partition: 0)] == 4)
        #expect(next[KafkaTopicPartition(topic: first, partition: 0)] == 5)
    }
}
