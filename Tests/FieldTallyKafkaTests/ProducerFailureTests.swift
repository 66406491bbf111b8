import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ProducerFailureTests {
    @Test func sendToADeadPortFailsClearlyWithinTheDeliveryTimeout() async throws {
        let deadPort = try freeLoopbackPort()
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:\(deadPort)"])
        configuration.deliveryTimeout = .seconds(3)
        let producer = try KafkaProducer(configuration: configuration)
        // The send ends through the delivery timeout: librdkafka's msg_timed_out says so (a
        // wall-clock bound would measure this shared machine's load; the suite's time limit
        // catches a send that never ends).
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerRecord(topic: "nowhere", key: "k", value: "v"))
        }
        #expect(error?.code == .messageTimedOut)
        #expect(error?.message.contains("127.0.0.1:\(deadPort)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("nowhere") == true)
        #expect(error?.message.contains("Connection refused") == true, "the cause is named")
        await producer.close(timeout: .seconds(1))
    }

    @Test func tinyQueueAppliesBackPressureAndStillDeliversEverything() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("backpressure", partitions: 2)
        var configuration = broker.producerConfiguration()
        configuration.batching.maxQueuedRecords = 5
        configuration.batching.linger = .milliseconds(1)
        let producer = try KafkaProducer(configuration: configuration)
        let records = (0..<2_000).map { KafkaProducerRecord(topic: topic, key: "k\($0)", value: "v\($0)") }
        let reports = try await producer.sendAll(records)
        #expect(reports.count == records.count)
        #expect(Set(reports.map { "\($0.partition)/\($0.offset)" }).count == records.count)
        await producer.close()
    }

    @Test func sendAfterCloseFailsAsClosed() async throws {
        let broker = try await TestBroker.shared()
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        await producer.close()
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerRecord(topic: "t", key: nil, value: "v"))
        }
        #expect(error?.code == .closed)
    }

    @Test func unknownPropertyIsRejectedByName() throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.additionalProperties["no.such.property"] = "1"
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("no.such.property") == true)
    }
}
