import Foundation

/// Standard output for long benchmarks: each line is written at once (unbuffered), so progress
/// shows when the output goes to a file or a pipe, not only at exit.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
