import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ConsumerControlTests {
    @Test func pausedPartitionDeliversNothingUntilResumed() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("pause", partitions: 2)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        _ = try await producer.sendAll((0..<4).map { KafkaProducerRecord(topic: topic, key: nil, value: "early-\($0)", partition: $0 % 2) })

        let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(topics: [topic]))
        var early = 0
        while early < 4, let batch = try await consumer.nextBatch() {
            early += batch.count
            try consumer.storeOffsets(for: batch)
        }
        let paused = KafkaTopicPartition(topic: topic, partition: 1)
        try consumer.pause([paused])
        _ = try await producer.sendAll((0..<6).map { KafkaProducerRecord(topic: topic, key: nil, value: "late-\($0)", partition: $0 % 2) })

        var whilePaused: [KafkaRecord] = []
        while whilePaused.count < 3, let batch = try await consumer.nextBatch() { whilePaused += batch.records }
        // Give the paused partition time to (wrongly) deliver.
        try await Task.sleep(for: .seconds(1))
        try consumer.resume([paused])
        var afterResume: [KafkaRecord] = []
        while afterResume.count < 3, let batch = try await consumer.nextBatch() { afterResume += batch.records }

        #expect(whilePaused.allSatisfy { $0.partition == 0 }, "\(whilePaused.map(\.topicPartition))")
        #expect(afterResume.map(\.partition) == [1, 1, 1])
        #expect(afterResume.compactMap(\.valueString) == ["late-1", "late-3", "late-5"])
        await consumer.close()
        await producer.close()
    }

    @Test func staticMemberConsumesAndCommits() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("static", partitions: 1)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        _ = try await producer.sendAll((0..<5).map { KafkaProducerRecord(topic: topic, key: nil, value: "\($0)") })
        await producer.close()

        var configuration = broker.consumerConfiguration(topics: [topic])
        configuration.groupInstanceID = broker.uniqueName("instance")
        let consumer = try KafkaConsumer(configuration: configuration)
        let batch = try #require(try await consumer.nextBatch())
        try await consumer.commit(batch)
        let committed = try await consumer.committedOffsets(for: [KafkaTopicPartition(topic: topic, partition: 0)])
        #expect(committed == batch.nextOffsets)
        await consumer.close()
    }
}
