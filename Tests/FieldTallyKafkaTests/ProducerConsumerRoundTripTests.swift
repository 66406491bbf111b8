import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ProducerConsumerRoundTripTests {
    @Test func keyedRecordsArriveWithKeysValuesHeadersAndStablePartitions() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("roundtrip", partitions: 3)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        let keys = (0..<12).map { "respondent-\($0)" }
        let records = keys.enumerated().flatMap { index, key in
            (0..<3).map { version in
                KafkaProducerRecord(
                    topic: topic,
                    key: key,
                    value: "{\"n\":\(index),\"v\":\(version)}",
                    headers: [KafkaHeader(key: "version", string: "\(version)"), KafkaHeader(key: "empty", value: nil)]
                )
            }
        }
        let reports = try await producer.sendAll(records)
        #expect(reports.count == records.count)
        // Same key, same partition; offsets increase per partition in send order.
        for key in keys {
            let partitions = Set(zip(records, reports).filter { $0.0.key == Array(key.utf8) }.map(\.1.partition))
            #expect(partitions.count == 1, "key \(key) went to partitions \(partitions)")
        }
        let single = try await producer.send(topic: topic, key: Array("solo".utf8), value: Array("x".utf8), partition: 2)
        #expect(single.partition == 2)
        await producer.close()

        let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(topics: [topic]))
        var received: [KafkaRecord] = []
        while received.count < records.count + 1, let batch = try await consumer.nextBatch() {
            received += batch.records
            try await consumer.commit(batch)
        }
        await consumer.close()

        #expect(received.count == records.count + 1)
        for (record, report) in zip(records, reports) {
            let match = received.first { $0.partition == report.partition && $0.offset == report.offset }
            #expect(match?.key == record.key)
            #expect(match?.value == record.value)
            #expect(match?.topic == topic)
            #expect(match?.header("version")?.stringValue == record.headers[0].stringValue)
            #expect(match?.headers.count == 2)
            #expect(match?.header("empty") != nil && match?.header("empty")?.value == nil)
            #expect(match?.timestamp != nil)
        }
        #expect(received.contains { $0.keyString == "solo" && $0.partition == 2 && $0.valueString == "x" })
    }
}
