import Foundation

/// Runs kcat (or a shell pipe of kcat commands) and waits for it.
struct Kcat {
    var executable = "kcat"

    /// Runs `kcat arguments…`; throws when it fails.
    func run(_ arguments: [String]) throws {
        try shell(([executable] + arguments).map(Self.quote).joined(separator: " "))
    }

    /// Runs a `bash -c` command line (for pipes); throws when it fails.
    func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -o pipefail; " + command]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("`\(command)` exited with status \(process.terminationStatus)")
        }
    }

    /// Single-quotes a word for the shell.
    static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
