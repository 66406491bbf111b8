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
}
