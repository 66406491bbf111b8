import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct AdminTests {
    @Test func creatingAnExistingTopicSucceedsAndKeepsItsPartitions() async throws {
        let broker = try await TestBroker.shared()
        let admin = try broker.admin()
        let name = broker.uniqueName("admin")
        let spec = KafkaTopicSpec(name: name, partitions: 4, config: ["cleanup.policy": "compact"])
        try await admin.createTopics([spec])
        try await admin.createTopics([spec])
        try await admin.createTopics([KafkaTopicSpec(name: name, partitions: 2)])
        let description = try await admin.describeTopic(name)
        #expect(description.partitions == [0, 1, 2, 3])
    }

    @Test func watermarksCountProducedRecords() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("watermarks", partitions: 1)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        // One record per broker batch: Tansu answers ListOffsets(latest) with the last
        // batch's base offset + 1, which equals the log end only for single-record batches.
        for index in 0..<7 {
            _ = try await producer.send(KafkaProducerRecord(topic: topic, key: nil, value: "\(index)"))
        }
        await producer.close()
        let watermarks = try await broker.admin().watermarks(topic: topic)
        #expect(watermarks[0]?.span == 7)
    }

    @Test func describingAMissingTopicFailsNamingIt() async throws {
        let broker = try await TestBroker.shared()
        let name = broker.uniqueName("missing")
        let error = await #expect(throws: KafkaError.self) { try await broker.admin().describeTopic(name) }
        #expect(error?.message.contains(name) == true)
    }
}
