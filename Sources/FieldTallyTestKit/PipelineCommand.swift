import Foundation

/// A program run to completion for a test (e.g. `tally submit`, `tally tallies`, `kcat`), with
/// its output captured, and the way ``PipelineFixture`` starts every process it owns.
///
/// Every process is watched by a small shell that kills it (SIGKILL) if the test process
/// disappears, so a crashed or killed test run leaves nothing running.
public struct PipelineCommand: Sendable {
    /// What a finished command did.
    public struct Result: Sendable {
        /// The exit status (the signal number when killed by a signal).
        public var status: Int32
        /// Standard output, byte for byte.
        public var output: Data
        /// Standard error as text.
        public var errors: String

        /// Standard output as text.
        public var outputText: String { String(decoding: output, as: UTF8.self) }
    }

    /// The executable.
    public var executable: URL
    /// Its arguments.
    public var arguments: [String]
    /// The complete environment (``PipelineFixture/environment`` for the fixture's topics).
    public var environment: [String: String]
    /// A file fed to standard input, or `nil` for none (`/dev/null`). Default: `nil`.
    public var standardInput: URL?

    /// A command; `environment` replaces the test process's environment.
    ///
    /// - Parameters:
    ///   - executable: The program's full path (no `PATH` lookup).
    ///   - arguments: Its arguments, without the program name.
    ///   - environment: The complete environment; nothing of the test process's is inherited.
    ///   - standardInput: A file fed to standard input. Default: nil (`/dev/null`).
    public init(_ executable: URL, _ arguments: [String], environment: [String: String], standardInput: URL? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.standardInput = standardInput
    }

    /// Runs the command and waits for it to exit, at most `timeout` (then kills it).
    ///
    /// Output goes through temporary files (removed afterwards), so a command that writes more than a pipe holds
    /// cannot block. Cancelling the task kills the command and throws like a timeout.
    ///
    /// - Parameter timeout: Longest run before SIGKILL. Default: 60 s.
    /// - Returns: The exit status, standard output and standard error; a non-zero status is returned, not thrown.
    /// - Throws: ``PipelineError`` when it cannot start or does not finish in time (with its
    ///   standard error's tail).
    public func run(timeout: Duration = .seconds(60)) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout")
        let err = directory.appendingPathComponent("stderr")
        let process = try Self.launch(
            executable,
            arguments,
            environment: environment,
            output: out,
            errors: err,
            input: standardInput
        )
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline || Task.isCancelled {
                Foundation.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let tail = String(((try? String(contentsOf: err, encoding: .utf8)) ?? "").suffix(2_000))
                throw PipelineError("\(commandLine) did not finish within \(timeout); standard error:\n\(tail)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return Result(
            status: process.terminationStatus,
            output: FileManager.default.contents(atPath: out.path) ?? Data(),
            errors: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }

    /// The command as a person would type it.
    public var commandLine: String { ([executable.lastPathComponent] + arguments).joined(separator: " ") }

    /// Starts `executable` with its output in files, under a watchdog that SIGKILLs it when
    /// this test process is gone.
    static func launch(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String],
        output: URL,
        errors: URL,
        input: URL? = nil
    ) throws -> Process {
        for file in Set([output, errors]) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let outHandle = try FileHandle(forWritingTo: output)
        let errHandle = output == errors ? outHandle : try FileHandle(forWritingTo: errors)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = try input.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PipelineError("could not start \(executable.path): \(error)")
        }
        try? outHandle.close()
        try? errHandle.close()
        try watch(process.processIdentifier)
        return process
    }

    /// A shell that exits when `pid` exits and SIGKILLs it if this process goes first.
    private static func watch(_ pid: Int32) throws {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = [
            "-c",
            """
            while kill -0 "$1" 2>/dev/null; do
              kill -0 "$0" 2>/dev/null || { kill -9 "$1" 2>/dev/null; exit 0; }
              sleep 0.5
            done
            """,
            String(getpid()), String(pid),
        ]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
    }
}
