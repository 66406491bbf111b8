import FieldTallyKafka
import Foundation
import Synchronization

/// A Tansu broker on a free loopback port, for tests and benchmarks.
///
/// Tests share one broker per process (``shared()``) and use fresh topics and
/// groups each (``uniqueName(_:)``, ``createTopic(_:partitions:config:)``). The
/// broker is stopped when released, at process exit, and by a watchdog shell if
/// the process is killed, so no broker outlives its run.
///
/// Set `TALLY_TEST_BROKERS=host:port[,…]` to run against an existing cluster
/// (e.g. Apache Kafka) instead; nothing is started or stopped then.
public final class TestBroker: Sendable {
    /// Where the brokers are.
    public let bootstrapServers: [String]
    /// Where the started broker writes its output (nil for an external cluster).
    public let logFile: URL?
    /// The librdkafka properties every client of this broker needs (TLS behind a ``tunnel``); empty for plain TCP.
    public let clientProperties: [String: String]
    /// The TLS listener in front of the broker, when started by ``startBehindTLS(timeout:)``.
    public let tunnel: TLSTunnel?
    private let process: Process?
    private let counter = Atomic<Int>(0)
    private let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    private static let sharedBroker = SharedBroker()

    /// The broker shared by every test of this process, started on first use
    /// (or the cluster named by `TALLY_TEST_BROKERS`).
    public static func shared() async throws -> TestBroker {
        try await sharedBroker.get()
    }

    private actor SharedBroker {
        private var starting: Task<TestBroker, any Error>?

        func get() async throws -> TestBroker {
            if let starting { return try await starting.value }
            let task = Task {
                if let external = ProcessInfo.processInfo.environment["TALLY_TEST_BROKERS"], !external.isEmpty {
                    let broker = TestBroker(external: external.split(separator: ",").map(String.init))
                    try await broker.waitUntilServing(timeout: .seconds(30))
                    return broker
                }
                return try await TestBroker.start()
            }
            starting = task
            return try await task.value
        }
    }

    /// Starts a new broker and waits until it serves requests (at most `timeout`).
    ///
    /// The broker listens on `port` (a free loopback port by default), logs to `fieldtally-tansu-<port>.log` in the temporary
    /// folder and keeps nothing on disk; it is killed when this object is released or the test process ends.
    ///
    /// - Parameters:
    ///   - port: The loopback port to listen on, e.g. one clients were told before the broker
    ///     started; `nil` (the default) picks a free one.
    ///   - timeout: Longest wait for the broker to create a probe topic. Default: 30 s.
    /// - Returns: The running broker.
    /// - Throws: ``BrokerError`` when the binary is missing (run `Deploy/setup.sh`)
    ///   or the broker does not answer in time (with its log's tail).
    public static func start(port: Int? = nil, timeout: Duration = .seconds(30)) async throws -> TestBroker {
        let port = try port ?? freeLoopbackPort()
        return try await launch(port: port, advertisedPort: port, tunnel: nil, timeout: timeout)
    }

    /// Starts a new broker behind a ``TLSTunnel`` (stunnel with a throwaway certificate authority) and waits until
    /// it serves requests through TLS (at most `timeout`).
    ///
    /// Tansu listens on a loopback port of its own and advertises the tunnel's port, so every client, including one
    /// that reconnects to the broker the metadata names, speaks TLS. Clients need ``clientProperties``
    /// (`security.protocol=ssl`, `ssl.ca.location`); ``admin()``, ``producerConfiguration()``,
    /// ``consumerConfiguration(topics:groupID:)`` and a ``PipelineFixture`` on this broker add them.
    ///
    /// - Parameter timeout: Longest wait for the broker to create a probe topic through TLS. Default: 30 s.
    /// - Returns: The running broker; ``bootstrapServers`` names the TLS port.
    /// - Throws: ``BrokerError`` when Tansu, `openssl` or `stunnel4` is missing (run `Deploy/setup.sh`), or the broker
    ///   does not answer through the tunnel in time.
    public static func startBehindTLS(timeout: Duration = .seconds(30)) async throws -> TestBroker {
        let port = try freeLoopbackPort()
        let tunnel = try await TLSTunnel.start(forwardingTo: port, certificates: try TestCertificates.make())
        return try await launch(port: port, advertisedPort: tunnel.port, tunnel: tunnel, timeout: timeout)
    }

    /// Runs Tansu on `port`, advertising `advertisedPort` (the tunnel's when there is one), and waits until it serves.
    private static func launch(port: Int, advertisedPort: Int, tunnel: TLSTunnel?, timeout: Duration) async throws -> TestBroker {
        let binary = try BrokerBinary.locate()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-tansu-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The shell runs the broker and kills it when this process disappears
        // (even by SIGKILL) or when the shell itself is terminated. SIGKILL,
        // because Tansu ignores SIGTERM and SIGINT; it keeps nothing on disk.
        let listener = "tcp://127.0.0.1:\(port)"
        let advertised = "tcp://127.0.0.1:\(advertisedPort)"
        process.arguments = [
            "-c",
            """
            "$0" broker --listener-url \(listener) --advertised-listener-url \(advertised) & b=$!
            trap 'kill -9 $b 2>/dev/null; exit 0' TERM INT HUP
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $b 2>/dev/null; do sleep 0.5; done
            kill -9 $b 2>/dev/null; wait $b
            """,
            binary.path,
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        BrokerProcessRegistry.register(process.processIdentifier)
        let broker = TestBroker(port: advertisedPort, process: process, logFile: log, tunnel: tunnel)
        try await broker.waitUntilServing(timeout: timeout)
        return broker
    }

    private init(port: Int, process: Process, logFile: URL, tunnel: TLSTunnel?) {
        bootstrapServers = ["127.0.0.1:\(port)"]
        self.process = process
        self.logFile = logFile
        self.tunnel = tunnel
        clientProperties = tunnel?.clientProperties ?? [:]
    }

    /// True when this fixture started Tansu (false for a `TALLY_TEST_BROKERS` cluster),
    /// for expectations Tansu is known not to meet.
    public var isTansu: Bool { process != nil }

    /// Uses an existing cluster: nothing is started, and ``stop()`` does nothing.
    ///
    /// - Parameter bootstrapServers: The cluster's brokers, `host:port` each; not contacted until first used.
    public init(external bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
        process = nil
        logFile = nil
        tunnel = nil
        clientProperties = [:]
    }

    deinit {
        stop()
    }

    /// Stops the broker and its ``tunnel`` (idempotent).
    public func stop() {
        tunnel?.stop()
        guard let process else { return }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        BrokerProcessRegistry.unregister(process.processIdentifier)
    }

    /// Freezes the broker (SIGSTOP): connections stay open and nothing is answered, as when a
    /// broker has gone away; its in-memory data survives until ``resume()``. Tansu keeps
    /// everything in memory, so stopping it for an outage test would lose the topics.
    public func pause() { signalBroker(SIGSTOP) }

    /// Lets a paused broker run again (SIGCONT).
    public func resume() { signalBroker(SIGCONT) }

    /// Signals the broker process itself: the wrapper shell's child that is not its `sleep`.
    private func signalBroker(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        let shell = process.processIdentifier
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ Int32($0) }) {
            let name = (try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8)) ?? ""
            if !name.hasPrefix("sleep") { kill(child, signal) }
        }
    }

    private func waitUntilServing(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var configuration = KafkaAdminConfiguration(bootstrapServers: bootstrapServers)
        configuration.requestTimeout = .seconds(2)
        configuration.additionalProperties = clientProperties
        let admin = try KafkaAdmin(configuration: configuration)
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            if let process, !process.isRunning { break }
            do {
                try await admin.createTopics([KafkaTopicSpec(name: "fieldtally-broker-ready", partitions: 1)])
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let tail = logFile.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.map { String($0.suffix(2000)) } ?? ""
        stop()
        throw BrokerError(
            "broker \(bootstrapServers.joined(separator: ",")) did not serve requests within \(timeout) "
                + "(last error: \(lastError.map { "\($0)" } ?? "broker exited")); log \(logFile?.path ?? "-"):\n\(tail)"
        )
    }

    /// A name no other test of this run uses: `<prefix>-<run>-<n>`.
    ///
    /// `<run>` is random per broker object and `<n>` counts up from 1, so names also differ between test runs
    /// against one long-lived external cluster.
    ///
    /// - Parameter prefix: A readable start, e.g. `group` or `pipeline`; use only characters valid in topic names.
    public func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(runID)-\(counter.add(1, ordering: .relaxed).newValue)"
    }

    /// Creates a fresh topic with a unique name and returns the name.
    ///
    /// - Parameters:
    ///   - prefix: The start of the topic's name (see ``uniqueName(_:)``). Default: `test`.
    ///   - partitions: Number of partitions. Default: 1.
    ///   - config: Topic configuration, e.g. `["cleanup.policy": "compact"]`. Default: none.
    /// - Returns: The new topic's name.
    /// - Throws: `KafkaError` when the broker refuses the topic or does not answer within 30 s.
    public func createTopic(_ prefix: String = "test", partitions: Int = 1, config: [String: String] = [:]) async throws -> String {
        let name = uniqueName(prefix)
        try await admin().createTopics([KafkaTopicSpec(name: name, partitions: partitions, config: config)])
        return name
    }

    /// An admin client for this broker.
    public func admin() throws -> KafkaAdmin {
        var configuration = KafkaAdminConfiguration(bootstrapServers: bootstrapServers)
        configuration.additionalProperties = clientProperties
        return try KafkaAdmin(configuration: configuration)
    }

    /// Producer defaults for tests: this broker, 10 s delivery timeout.
    public func producerConfiguration() -> KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.deliveryTimeout = .seconds(10)
        configuration.additionalProperties = clientProperties
        return configuration
    }

    /// Consumer defaults for tests: this broker, a fresh group unless given, and
    /// short group timeouts (see ``applyShortGroupTimeouts(to:)``).
    ///
    /// - Parameters:
    ///   - topics: Topics to subscribe to.
    ///   - groupID: The consumer group; give the same id to two consumers to make them share partitions.
    ///     Default: nil, a new unique group (so it starts from the earliest offsets).
    /// - Returns: A configuration to adjust further before creating a ``KafkaConsumer``.
    public func consumerConfiguration(topics: [String], groupID: String? = nil) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers,
            groupID: groupID ?? uniqueName("group"),
            topics: topics
        )
        configuration.additionalProperties = clientProperties
        Self.applyShortGroupTimeouts(to: &configuration)
        return configuration
    }

    /// Sets 6 s session and 500 ms heartbeat timeouts, so a consumer group forms in seconds: on Tansu a join takes
    /// about 3 s with them and about 23 s with librdkafka's 45 s session default.
    ///
    /// - Parameter configuration: The configuration to change; its other settings are kept.
    public static func applyShortGroupTimeouts(to configuration: inout KafkaConsumerConfiguration) {
        configuration.group.sessionTimeout = .seconds(6)
        configuration.group.heartbeatInterval = .milliseconds(500)
    }
}

/// A loopback TCP port nobody listens on right now (e.g. to point a client at a dead broker).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BrokerError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BrokerError("could not bind a loopback port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A TCP socket connected to 127.0.0.1:`port` (for clients a test or benchmark drives by hand,
/// e.g. an event stream that stops reading); the caller closes it.
/// - Parameter receiveBuffer: `SO_RCVBUF` in bytes, set before connecting; default: the system's.
/// - Throws: `BrokerError` when no socket can be made or nothing listens on `port`.
public func connectedLoopbackSocket(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BrokerError("socket() failed: errno \(errno)") }
    if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        let error = errno
        close(fd)
        throw BrokerError("cannot connect to 127.0.0.1:\(port): errno \(error)")
    }
    return fd
}
