import Foundation
import SurveyEngine

/// Reads a message file (key<TAB>value or JSON lines) a chunk at a time without loading it whole.
final class MessageFileReader {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    private let handle: FileHandle
    private let ownsHandle: Bool
    private var pending: [UInt8] = []
    private var ready: [KeyedMessage] = []
    private var number = 0
    private var atEnd = false

    /// Opens `path` (`-` = standard input).
    init(path: String) throws {
        if path == "-" {
            handle = .standardInput
            ownsHandle = false
        } else {
            guard let file = FileHandle(forReadingAtPath: path) else { throw ReadError(description: "cannot open \(path)") }
            handle = file
            ownsHandle = true
        }
    }

    deinit { if ownsHandle { try? handle.close() } }

    /// Up to `limit` next messages, in file order; empty at the end of the file.
    func next(limit: Int) throws -> [KeyedMessage] {
        while ready.count < limit && !atEnd {
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                pending.append(contentsOf: chunk)
                var start = pending.startIndex
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    emit(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeSubrange(..<start)
            } else {
                atEnd = true
                if !pending.isEmpty { emit(pending[...]) }
                pending = []
            }
        }
        let taken = Array(ready.prefix(limit))
        ready.removeFirst(taken.count)
        return taken
    }

    private func emit(_ line: ArraySlice<UInt8>) {
        number += 1
        var line = line
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        guard !line.isEmpty else { return }
        ready.append(KeyedMessageFile.message(fromLine: Array(line), number: number))
    }

    /// Calls `body` with every message of the file at `path` (`-` = standard input), in order.
    static func read(path: String, _ body: (KeyedMessage) throws -> Void) throws {
        let reader = try MessageFileReader(path: path)
        while true {
            let messages = try reader.next(limit: 4_096)
            if messages.isEmpty { return }
            for message in messages { try body(message) }
        }
    }

    /// The number of non-empty lines of a regular file, or nil for standard input.
    static func countMessages(path: String) -> Int? {
        guard path != "-", let reader = try? MessageFileReader(path: path) else { return nil }
        var count = 0
        while let batch = try? reader.next(limit: 65_536), !batch.isEmpty { count += batch.count }
        return count
    }
}
