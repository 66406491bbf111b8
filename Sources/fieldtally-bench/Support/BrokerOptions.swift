import ArgumentParser
import FieldTallyTestKit

/// Where a benchmark's Kafka runs and how its topics are laid out; shared by `workers`,
/// `latency` and `kafka`.
struct BrokerOptions: ParsableArguments {
    @Option(help: "Bootstrap servers of an existing cluster (default: start Tansu on a free port).")
    var brokers: String?

    @Option(help: "Partitions of every topic.")
    var partitions = 3

    @Option(help: "kcat executable.")
    var kcat = "kcat"

    /// The cluster named by `--brokers`, or Tansu started here on a free port.
    func start() async throws -> TestBroker {
        try await BenchBroker.start(brokers)
    }

    /// ` (Tansu, started here)` when no `--brokers` were given, for the opening line.
    var startedHereNote: String { brokers == nil ? " (Tansu, started here)" : "" }
}
