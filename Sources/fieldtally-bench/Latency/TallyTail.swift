import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine
import Synchronization

/// A live reader of the tallies topic, like a dashboard: records when each partition's
/// published count was first seen here.
final class TallyTail: Sendable {
    struct Seen {
        /// Per partition: (sequence, ms since 1970 when received), in arrival order.
        var points: [Int: [(sequence: UInt64, at: Double)]] = [:]

        func firstTime(partition: Int, reaching count: UInt64) -> Double? {
            points[partition]?.first { $0.sequence >= count }?.at
        }
    }

    private let seen = Mutex(Seen())
    private let consumer = Mutex<KafkaConsumer?>(nil)
    private let loop = Mutex<Task<Void, Never>?>(nil)

    /// Joins a fresh group on `topic` and waits until it is assigned.
    func start(topic: String, broker: TestBroker) async throws {
        var configuration = broker.consumerConfiguration(topics: [topic])
        configuration.batching.maxWait = .milliseconds(5)
        configuration.additionalProperties["fetch.wait.max.ms"] = "10"
        let assigned = Atomic<Bool>(false)
        let consumer = try KafkaConsumer(
            configuration: configuration,
            onRebalance: { event in
                if case .assigned = event { assigned.store(true, ordering: .releasing) }
            }
        )
        self.consumer.withLock { $0 = consumer }
        let task = Task { [self] in
            while let batch = try? await consumer.nextBatch() {
                let now = Date().timeIntervalSince1970 * 1000
                for record in batch.records {
                    guard let value = record.value, let partial = try? PartialTally(decoding: Data(value)),
                        partial.partitions.count == 1, let (partition, sequence) = partial.partitions.first
                    else { continue }
                    seen.withLock { $0.points[partition, default: []].append((sequence, now)) }
                }
            }
        }
        loop.withLock { $0 = task }
        let deadline = ContinuousClock.now + .seconds(60)
        while !assigned.load(ordering: .acquiring) {
            guard ContinuousClock.now < deadline else { throw BenchError("the tallies reader was not assigned within 60 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Leaves the group and returns what was seen.
    func stop() async -> Seen {
        if let consumer = consumer.withLock({ c -> KafkaConsumer? in
            defer { c = nil }
            return c
        }) {
            await consumer.close()
        }
        if let task = loop.withLock({ t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }) {
            await task.value
        }
        return seen.withLock { $0 }
    }
}
