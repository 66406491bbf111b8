import FieldTallyTestKit
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program run on a pseudo-terminal of a given size, as in a terminal window: its standard
/// input and output are the terminal (standard error goes to a file), everything it writes is
/// kept, and the test can type keys and send signals.
final class PseudoTerminal: @unchecked Sendable {  // Process is not Sendable; the rest is immutable or locked
    /// The running program.
    let process: Process
    private let master: Int32
    private let slave: Int32
    private let output = Output()
    private let errors: URL

    /// Starts `executable` on a new terminal of `width` × `height`.
    ///
    /// - Parameters:
    ///   - executable: The program's full path.
    ///   - arguments: Its arguments.
    ///   - environment: Its complete environment.
    ///   - width: Columns of the terminal.
    ///   - height: Rows of the terminal.
    /// - Throws: ``PipelineError`` when no pseudo-terminal can be opened or the program cannot start.
    init(_ executable: URL, _ arguments: [String], environment: [String: String], width: Int, height: Int) throws {
        // Linux's pseudo-terminal multiplexer; glibc's posix_openpt, unlockpt and ptsname are these
        // ioctls, but Swift's Glibc module does not export them. TIOCSPTLCK = _IOW('T', 0x31, int),
        // TIOCGPTN = _IOR('T', 0x30, unsigned int): function-like macros, which Swift does not import.
        let unlock: UInt = 0x4004_5431
        let number: UInt = 0x8004_5430
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var locked: Int32 = 0
        var index: UInt32 = 0
        guard master >= 0, ioctl(master, unlock, &locked) == 0, ioctl(master, number, &index) == 0 else {
            throw PipelineError("cannot open a pseudo-terminal (/dev/ptmx): errno \(errno)")
        }
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let name = "/dev/pts/\(index)"
        slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { throw PipelineError("cannot open \(name): errno \(errno)") }
        errors = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-pty-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = try FileHandle(forWritingTo: errors)
        let master = master
        let output = output
        // Reads until every holder of the terminal's other end has closed it (the program has exited and
        // `deinit` closed the test's copy), then closes this end: no other thread closes it under a read.
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(master, &buffer, buffer.count)
                if count <= 0 { break }
                output.bytes.withLock { $0 += buffer.prefix(count) }
            }
            close(master)
        }
        do {
            try process.run()
        } catch {
            throw PipelineError("cannot start \(executable.path): \(error)")
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(slave)
        try? FileManager.default.removeItem(at: errors)
    }

    /// Everything the program wrote to the terminal so far.
    var text: String { String(decoding: output.bytes.withLock { $0 }, as: UTF8.self) }

    /// What it wrote to standard error.
    var errorText: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

    /// Types `keys` on the terminal.
    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Resizes the terminal and sends the program SIGWINCH, as a terminal window does (the
    /// program has no controlling terminal here, so the kernel does not send it).
    ///
    /// - Parameters:
    ///   - width: New columns.
    ///   - height: New rows.
    func resize(width: Int, height: Int) {
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        kill(process.processIdentifier, SIGWINCH)
    }

    /// The terminal's local modes now (`ICANON`, `ECHO`, `ISIG`, …), as the program left them.
    var localModes: tcflag_t {
        var attributes = termios()
        tcgetattr(slave, &attributes)
        return attributes.c_lflag
    }

    /// Waits until the output satisfies `condition`.
    ///
    /// - Parameters:
    ///   - what: Said in the error.
    ///   - timeout: Longest wait.
    ///   - condition: Checked on the whole output every 50 ms.
    /// - Throws: ``PipelineError`` with the output's tail after `timeout`, or when the program exits first.
    func wait(for what: String, timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(text) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw PipelineError("no \(what) on the terminal (running: \(process.isRunning)); it shows:\n\(text.suffix(3_000))\n\(errorText)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for the program to exit and returns its status; kills it after `timeout`.
    ///
    /// - Parameter timeout: Longest wait.
    /// - Returns: The exit status.
    /// - Throws: ``PipelineError`` when it was still running after `timeout`.
    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw PipelineError("still running after \(timeout); the terminal shows:\n\(text.suffix(3_000))\n\(errorText)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(100))  // the reader thread's last bytes
        return process.terminationStatus
    }

    /// What the program wrote, shared with the thread that reads it.
    private final class Output: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    /// The last full frame drawn: the rows after the last cursor-home, without the erase sequences
    /// and carriage returns.
    var lastFrame: [String] {
        let all = text
        let drawn = all.components(separatedBy: "\u{1B}[?25h\u{1B}[?1049l").first ?? all
        guard let home = drawn.range(of: "\u{1B}[H", options: .backwards) else { return [] }
        // The terminal's output processing turns the program's "\r\n" into "\r\r\n".
        var frame = String(drawn[home.upperBound...])
        for erase in ["\u{1B}[K", "\u{1B}[J", "\r"] { frame = frame.replacingOccurrences(of: erase, with: "") }
        return frame.components(separatedBy: "\n")
    }
}
