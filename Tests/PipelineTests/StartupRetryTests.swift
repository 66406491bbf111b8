import FieldTallyKafka
import FieldTallyTestKit
import Logging
import Synchronization
import TallyWorker
import Testing

extension WorkerPipeline {
    /// A worker whose broker is not up yet (a broker still starting, a cluster name its DNS does
    /// not answer yet) waits for it within its start-up bound instead of exiting.
    @Suite(.timeLimit(.minutes(3)))
    struct StartupRetryTests {
        @Test func creatingTopicsWaitsForABrokerThatStartsLater() async throws {
            let port = try freeLoopbackPort()
            let prefix = "late-\(UInt32.random(in: 0...UInt32.max))"
            let configuration = try WorkerOptions.parse([]).resolve(
                workerName: "tally-validate",
                environment: [
                    "TALLY_BROKERS": "127.0.0.1:\(port)", "TALLY_STARTUP_TIMEOUT": "90s", "TALLY_PARTITIONS": "2",
                    "TALLY_TOPIC_SUBMISSIONS": "\(prefix).submissions", "TALLY_TOPIC_VALID": "\(prefix).valid",
                ]
            )
            let lines = LogLines()
            let logger = Logger(label: "startup-retry-test") { _ in lines }
            let ensuring = Task { try await TopicProvisioner.ensure(configuration, logger: logger) }
            // Nothing listens on the port yet: the first attempt fails when its request times out
            // (the admin client's 30 s) and is retried.
            let deadline = ContinuousClock.now + .seconds(60)
            while !lines.contains("brokers not reachable yet; retrying") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            try #require(lines.contains("brokers not reachable yet; retrying"), "no retry was logged within 60 s")
            let broker = try await TestBroker.start(port: port)
            defer { broker.stop() }
            try await ensuring.value
            #expect(lines.contains("topics ready"))
            let admin = try broker.admin()
            for topic in ["\(prefix).submissions", "\(prefix).valid"] {
                #expect(try await admin.describeTopic(topic).partitions == [0, 1], "\(topic) was created with two partitions")
            }
        }
    }
}

/// A log handler that keeps every message, for tests that wait for a log line.
private struct LogLines: LogHandler {
    private final class Messages: Sendable { let list = Mutex<[String]>([]) }
    private let messages = Messages()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    func log(event: LogEvent) { messages.list.withLock { $0.append(event.message.description) } }

    func contains(_ message: String) -> Bool { messages.list.withLock { $0.contains(message) } }

    subscript(metadataKey key: String) -> Logger.MetadataValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
