import Foundation
import Synchronization

/// A PostgreSQL 15 server of its own for tests and benchmarks: `initdb` into a temporary folder,
/// `postgres` on a free loopback port with trust authentication, stopped when released, at
/// process exit, and by a watchdog shell if the process is killed.
///
/// initdb and postgres refuse to run as root, so as root they run as the `postgres` user (which
/// Debian's `postgresql` package creates) through `runuser`, in a folder that user owns.
///
/// ```swift
/// let server = try await TestPostgres.shared()
/// let url = try await server.createDatabase()   // postgres://postgres@127.0.0.1:PORT/test_…
/// ```
public final class TestPostgres: Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The data folder (removed on stop).
    public let directory: URL
    private let process: Process
    private let counter = Atomic<Int>(0)

    /// Where Debian's `postgresql-15` puts the server programs.
    public static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")

    private static let sharedServer = SharedServer()

    /// The server shared by every test of this process, started on first use.
    public static func shared() async throws -> TestPostgres {
        try await sharedServer.get()
    }

    private actor SharedServer {
        private var starting: Task<TestPostgres, any Error>?

        func get() async throws -> TestPostgres {
            if let starting { return try await starting.value }
            let task = Task { try await TestPostgres.start() }
            starting = task
            return try await task.value
        }
    }

    /// Initialises a cluster in a temporary folder and starts it on a free port; waits (at most
    /// `timeout`) until it accepts connections.
    ///
    /// The cluster trusts every local connection (user `postgres`, no password, TLS off) and runs as
    /// `postgres` when the tests run as root. ``stop()`` it to remove the folder.
    ///
    /// - Parameter timeout: How long to wait for the server to accept connections. Default: 60 seconds.
    /// - Returns: The running server; its databases are made with ``createDatabase(_:)``.
    /// - Throws: ``BrokerError`` when PostgreSQL 15 is not installed (run `Deploy/setup.sh`), or
    ///   initdb fails, or the server does not accept connections in time (with its log's tail).
    public static func start(timeout: Duration = .seconds(60)) async throws -> TestPostgres {
        let initdb = binaries.appendingPathComponent("initdb")
        guard FileManager.default.isExecutableFile(atPath: initdb.path) else {
            throw BrokerError("PostgreSQL 15 is not installed (\(initdb.path) is missing): run Deploy/setup.sh, which installs Debian's postgresql")
        }
        let port = try freeLoopbackPort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-postgres-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = directory.appendingPathComponent("data")
        let log = directory.appendingPathComponent("postgres.log")
        // As root, everything runs as `postgres`, which must own the folder (and reach it: /tmp is world-executable).
        let asUser = getuid() == 0 ? "runuser -u postgres -- " : ""
        if getuid() == 0 {
            try run("/bin/chown", ["-R", "postgres:postgres", directory.path])
            try run("/bin/chmod", ["700", directory.path])
        }
        let initdbCommand =
            "\(asUser)\(quoted(initdb.path)) -D \(quoted(data.path)) -U postgres --auth=trust --no-sync -E UTF8 "
            + "--locale=C.UTF-8 >\(quoted(directory.path))/initdb.log 2>&1"
        try run(
            "/bin/sh",
            ["-c", initdbCommand],
            explain: { (try? String(contentsOf: directory.appendingPathComponent("initdb.log"), encoding: .utf8)) ?? "" }
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The shell runs the server and stops it (removing its folder) when this process disappears
        // (even by SIGKILL) or when the shell itself is terminated. It signals the server by the pid
        // in postmaster.pid: runuser does not pass SIGINT on. fsync off: test data need not
        // survive power loss.
        let server =
            "\(asUser)\(quoted(binaries.appendingPathComponent("postgres").path)) -D \(quoted(data.path)) -p \(port) "
            + "-c listen_addresses=127.0.0.1 -c unix_socket_directories=\(quoted(directory.path)) -c fsync=off -c max_connections=50"
        process.arguments = [
            "-c",
            """
            \(server) >>\(quoted(log.path)) 2>&1 & b=$!
            stop() {
              p=$(head -1 \(quoted(data.path))/postmaster.pid 2>/dev/null); [ -n "$p" ] && kill -INT "$p" 2>/dev/null
              wait $b; rm -rf \(quoted(directory.path))
            }
            trap 'stop; exit 0' TERM INT HUP
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $b 2>/dev/null; do sleep 0.5; done
            stop
            """,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        BrokerProcessRegistry.register(process.processIdentifier)
        let postgres = TestPostgres(port: port, directory: directory, process: process)
        try await postgres.waitUntilAccepting(timeout: timeout, log: log)
        return postgres
    }

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    deinit {
        stop()
    }

    /// Stops the server and removes its folder (idempotent).
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        BrokerProcessRegistry.unregister(process.processIdentifier)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The URL of database `name` on this server, as `tally-store --database` takes it.
    ///
    /// - Parameter name: The database's name; it is not checked or created (see ``createDatabase(_:)``).
    /// - Returns: `postgres://postgres@127.0.0.1:<port>/<name>?sslmode=disable`.
    public func url(database name: String) -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Creates a fresh database with a unique name and returns its URL.
    ///
    /// - Parameter prefix: The start of the name, followed by the process ID and a counter
    ///   (`test_4242_1`). Default: `test`.
    /// - Returns: The new database's URL, as ``url(database:)`` makes it.
    /// - Throws: ``BrokerError`` when `createdb` fails.
    public func createDatabase(_ prefix: String = "test") async throws -> String {
        let name = "\(prefix)_\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        try Self.run(Self.binaries.appendingPathComponent("createdb").path, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name])
        return url(database: name)
    }

    private func waitUntilAccepting(timeout: Duration, log: URL) async throws {
        let deadline = ContinuousClock.now + timeout
        // Ready = the server says so in its log and its port takes a connection. Both are checked
        // without starting a process: a blocking wait for `pg_isready` would hold one of the few
        // cooperative threads that a whole parallel test run shares.
        while ContinuousClock.now < deadline, process.isRunning {
            let said = (try? String(contentsOf: log, encoding: .utf8))?.contains("ready to accept connections") ?? false
            if said, let socket = try? connectedLoopbackSocket(port: port) {
                close(socket)
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let tail = (try? String(contentsOf: log, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
        stop()
        throw BrokerError("PostgreSQL on port \(port) did not accept connections within \(timeout); log \(log.path):\n\(tail)")
    }

    /// Runs `executable` and waits; throws when it exits with another status than 0.
    private static func run(_ executable: String, _ arguments: [String], explain: () -> String = { "" }) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BrokerError(
                "\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): "
                    + String(decoding: message, as: UTF8.self) + explain()
            )
        }
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
