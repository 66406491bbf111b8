import FieldTallyKafka
import FieldTallyTestKit

/// The broker a benchmark runs against: the cluster named by `--brokers`, or Tansu started on a
/// free port for this run (stopped when the run ends).
enum BenchBroker {
    static func start(_ brokers: String?) async throws -> TestBroker {
        if let brokers { return TestBroker(external: brokers.split(separator: ",").map(String.init)) }
        return try await TestBroker.start()
    }

    /// Creates every topic of `names` with `partitions` partitions.
    static func createTopics(_ names: [String], partitions: Int, on broker: TestBroker) async throws {
        try await broker.admin().createTopics(names.map { KafkaTopicSpec(name: $0, partitions: partitions) })
    }
}
