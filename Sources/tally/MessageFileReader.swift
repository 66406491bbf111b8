import Foundation
import SurveyEngine

/// Reads a message file line by line without loading it whole (files may be large).
enum MessageFileReader {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Calls `body` with every message of the file at `path` (`-` = standard input), in order.
    static func read(path: String, _ body: (KeyedMessage) throws -> Void) throws {
        let handle: FileHandle
        if path == "-" {
            handle = .standardInput
        } else {
            guard let file = FileHandle(forReadingAtPath: path) else { throw ReadError(description: "cannot open \(path)") }
            handle = file
        }
        defer { if path != "-" { try? handle.close() } }
        var pending: [UInt8] = []
        var number = 0
        func emit(_ line: ArraySlice<UInt8>) throws {
            number += 1
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard !line.isEmpty else { return }
            try body(KeyedMessageFile.message(fromLine: Array(line), number: number))
        }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try emit(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try emit(pending[...]) }
    }
}
