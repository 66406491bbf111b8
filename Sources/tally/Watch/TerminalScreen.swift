import Foundation
import TallyWorker

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal while `tally watch` draws on it: the alternate screen with the cursor hidden,
/// standard input in raw mode (keys arrive one by one, unechoed; Ctrl-C arrives as a key), and
/// SIGINT, SIGTERM, SIGWINCH and key presses delivered as events. ``restore()`` puts everything
/// back; it runs once, however often it is called.
final class TerminalScreen: @unchecked Sendable {
    /// Something that happened on the terminal.
    enum Event: Sendable {
        /// Keys were pressed.
        case keys([WatchKey])
        /// The window changed size.
        case resized
        /// SIGINT or SIGTERM arrived.
        case signal(Int32)
    }

    private let lock = NSLock()
    private var saved: termios?
    private var restored = false
    private var sources: [any DispatchSourceProtocol] = []
    private let queue = DispatchQueue(label: "tally-watch.terminal")

    /// Takes over the terminal and starts delivering events to `onEvent` (on a private queue).
    ///
    /// - Parameter onEvent: Receives keys, resizes and signals.
    init(onEvent: @escaping @Sendable (Event) -> Void) {
        if isatty(STDIN_FILENO) == 1 {
            var attributes = termios()
            if tcgetattr(STDIN_FILENO, &attributes) == 0 {
                saved = attributes
                attributes.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
                attributes.c_iflag &= ~tcflag_t(IXON | ICRNL)
                withUnsafeMutableBytes(of: &attributes.c_cc) { cc in
                    cc[Int(VMIN)] = 1
                    cc[Int(VTIME)] = 0
                }
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &attributes)
            }
            let keys = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: queue)
            keys.setEventHandler {
                var buffer = [UInt8](repeating: 0, count: 64)
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                guard count > 0 else {
                    keys.cancel()
                    return
                }
                onEvent(.keys(WatchKey.decode(Array(buffer.prefix(count)))))
            }
            sources.append(keys)
        }
        for number in [SIGINT, SIGTERM, SIGWINCH] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onEvent(number == SIGWINCH ? .resized : .signal(number)) }
            sources.append(source)
        }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
        for source in sources { source.resume() }
    }

    /// The window's columns and rows: the terminal's own (TIOCGWINSZ), else `COLUMNS` and `LINES`, else 80×24.
    func size() -> (width: Int, height: Int) {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        let environment = ProcessInfo.processInfo.environment
        return (environment["COLUMNS"].flatMap(Int.init) ?? 80, environment["LINES"].flatMap(Int.init) ?? 24)
    }

    /// Overwrites the screen from its top-left corner with `lines` (one per row, each at most
    /// the width), clearing what each row held after it; nothing scrolls.
    func draw(_ lines: [String]) {
        write("\u{1B}[H" + lines.joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J")
    }

    /// Leaves the alternate screen, shows the cursor, restores standard input's mode and the
    /// default actions of SIGINT and SIGTERM.
    func restore() {
        let first = lock.withLock {
            defer { restored = true }
            return !restored
        }
        guard first else { return }
        for source in sources { source.cancel() }
        write("\u{1B}[?25h\u{1B}[?1049l")
        if var saved { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
