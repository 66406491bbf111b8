import Foundation

/// `perf record -F 499 -g` attached to a running process, until ``stop()``.
///
/// perf is started through Python, which clears the signal mask before it runs perf: a child
/// inherits this process's mask, in which SIGINT and SIGCHLD are blocked, and perf needs both
/// (SIGINT to stop recording and write its file).
struct Profiler {
    private let perf: Process

    /// Starts recording process `pid` into `output`.
    /// - Throws: when perf cannot be started.
    init(pid: Int32, output: URL) throws {
        perf = Process()
        perf.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        perf.arguments = [
            "python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
            "/usr/bin/perf", "record", "-F", "499", "-g", "-p", String(pid), "-o", output.path,
        ]
        perf.standardOutput = FileHandle.nullDevice
        perf.standardError = FileHandle.nullDevice
        try perf.run()
    }

    /// Ends the recording and waits until perf has written its file.
    func stop() {
        perf.interrupt()
        perf.waitUntilExit()
    }
}
