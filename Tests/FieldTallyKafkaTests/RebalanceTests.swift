import FieldTallyKafka
import FieldTallyTestKit
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RebalanceTests {
    final class EventLog: Sendable {
        let events = Mutex<[KafkaRebalanceEvent]>([])
        func append(_ event: KafkaRebalanceEvent) { events.withLock { $0.append(event) } }
        var snapshot: [KafkaRebalanceEvent] { events.withLock { $0 } }
    }

    @Test func offsetsStoredBeforeRevocationAreCommittedWhenASecondMemberJoins() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("rebalance", partitions: 2)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        _ = try await producer.sendAll((0..<10).map { KafkaProducerRecord(topic: topic, key: nil, value: "v\($0)", partition: $0 % 2) })
        await producer.close()

        let group = broker.uniqueName("rebalance-group")
        var configuration = broker.consumerConfiguration(topics: [topic], groupID: group)
        configuration.autoCommitInterval = nil  // only revocation can commit what is stored
        let firstLog = EventLog()
        let first = try KafkaConsumer(configuration: configuration, onRebalance: { firstLog.append($0) })
        var seen = 0
        var stored: [KafkaTopicPartitionOffset] = []
        while seen < 10, let batch = try await first.nextBatch() {
            seen += batch.count
            try first.storeOffsets(for: batch)
            stored += batch.nextOffsets
        }
        let all = [KafkaTopicPartition(topic: topic, partition: 0), KafkaTopicPartition(topic: topic, partition: 1)]
        #expect(firstLog.snapshot == [.assigned(all)])

        let secondLog = EventLog()
        let second = try KafkaConsumer(configuration: configuration, onRebalance: { secondLog.append($0) })
        let deadline = ContinuousClock.now + .seconds(30)
        while secondLog.snapshot.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let firstEvents = firstLog.snapshot
        #expect(firstEvents.count >= 3)
        #expect(firstEvents.dropFirst().first == .revoking(all), "\(firstEvents)")
        guard case .assigned(let secondOwns)? = secondLog.snapshot.first else {
            Issue.record("second member was not assigned: \(secondLog.snapshot)")
            return
        }
        guard case .assigned(let firstOwns)? = firstEvents.dropFirst(2).first else {
            Issue.record("first member got nothing back: \(firstEvents)")
            return
        }
        #expect(Set(firstOwns + secondOwns) == Set(all))
        #expect(Set(firstOwns).isDisjoint(with: secondOwns))

        // What the first member stored before the revocation was committed by it.
        let committed = try await second.committedOffsets(for: all)
        let expected = Dictionary(grouping: stored, by: \.partition).mapValues { $0.map(\.offset).max()! }
        #expect(Dictionary(uniqueKeysWithValues: committed.map { ($0.partition, $0.offset) }) == expected)
        await first.close()
        await second.close()
    }
}
