import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct TransactionTests {
    @Test func abortedTransactionIsInvisibleToReadCommittedAndCommittedOneIsVisible() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("txn", partitions: 2)
        var configuration = broker.producerConfiguration()
        configuration.transactionalID = broker.uniqueName("txn-producer")
        let producer = try KafkaProducer(configuration: configuration)
        try await producer.initTransactions()

        try producer.beginTransaction()
        _ = try await producer.sendAll((0..<5).map { KafkaProducerRecord(topic: topic, key: "a\($0)", value: "aborted-\($0)") })
        try await producer.abortTransaction()

        try producer.beginTransaction()
        _ = try await producer.sendAll((0..<5).map { KafkaProducerRecord(topic: topic, key: "c\($0)", value: "committed-\($0)") })
        try await producer.commitTransaction()
        await producer.close()

        var committedReader = KafkaReaderConfiguration(bootstrapServers: broker.bootstrapServers)
        committedReader.isolation = .readCommitted
        var committedValues: [String] = []
        _ = try await KafkaTopicReader(configuration: committedReader).readToEnd(topic: topic) { batch in
            committedValues += batch.records.compactMap(\.valueString)
        }
        let committedOnes = Set((0..<5).map { "committed-\($0)" })
        #expect(committedOnes.isSubset(of: committedValues))
        // Tansu writes the abort markers but sends no AbortedTransactions in Fetch
        // responses, so librdkafka cannot filter aborted records there; Kafka does.
        withKnownIssue("Tansu: Fetch responses list no aborted transactions") {
            #expect(Set(committedValues) == committedOnes, "aborted records are visible to a read_committed reader")
        } when: {
            broker.isTansu
        }

        // The aborted records are in the log: a read_uncommitted reader sees them.
        var uncommittedReader = committedReader
        uncommittedReader.isolation = .readUncommitted
        var allValues: [String] = []
        _ = try await KafkaTopicReader(configuration: uncommittedReader).readToEnd(topic: topic) { batch in
            allValues += batch.records.compactMap(\.valueString)
        }
        #expect(Set(allValues) == Set((0..<5).flatMap { ["committed-\($0)", "aborted-\($0)"] }))
    }

    @Test func offsetsSentToACommittedTransactionBecomeTheGroupsCommittedOffsets() async throws {
        let broker = try await TestBroker.shared()
        let input = try await broker.createTopic("txn-in", partitions: 1)
        let output = try await broker.createTopic("txn-out", partitions: 1)
        let seed = try KafkaProducer(configuration: broker.producerConfiguration())
        _ = try await seed.sendAll((0..<10).map { KafkaProducerRecord(topic: input, key: nil, value: "in-\($0)") })
        await seed.close()

        var consumerConfiguration = broker.consumerConfiguration(topics: [input])
        consumerConfiguration.autoCommitInterval = nil
        let consumer = try KafkaConsumer(configuration: consumerConfiguration)
        var producerConfiguration = broker.producerConfiguration()
        producerConfiguration.transactionalID = broker.uniqueName("txn-pipe")
        let producer = try KafkaProducer(configuration: producerConfiguration)
        try await producer.initTransactions()

        let batch = try #require(try await consumer.nextBatch())
        try producer.beginTransaction()
        _ = try await producer.sendAll(batch.records.map { KafkaProducerRecord(topic: output, key: nil, value: "out-\($0.valueString ?? "")") })
        try await producer.sendOffsetsToTransaction(batch.nextOffsets, consumer: consumer)
        try await producer.commitTransaction()

        let committed = try await consumer.committedOffsets(for: [KafkaTopicPartition(topic: input, partition: 0)])
        #expect(committed == batch.nextOffsets)
        await producer.close()
        await consumer.close()
    }
}
