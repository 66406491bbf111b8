import FieldTallyTestKit
import Foundation
import SurveyEngine

/// The messages a benchmark feeds the pipeline and the survey definition they follow.
struct BenchInput {
    /// The messages in production order.
    var messages: [KeyedMessage]
    /// The survey folder (instrument, codebook, tally plan, frame) the messages follow.
    var schemas: String
    /// One line saying what the input is.
    var summary: String

    /// Mean value size in bytes.
    var meanValueBytes: Double {
        messages.isEmpty ? 0 : Double(messages.reduce(0) { $0 + $1.value.count }) / Double(messages.count)
    }

    /// A message file (`key<TAB>value` lines) with its survey folder.
    static func file(_ path: String, schemas: String) throws -> BenchInput {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw BenchError("cannot read the message file \(path)")
        }
        let messages = KeyedMessageFile.parse(bytes)
        return BenchInput(messages: messages, schemas: schemas, summary: "\(messages.count) messages from \(path)")
    }

    /// `count` generated submissions of about `size` bytes.
    static func synthetic(count: Int, size: Int) throws -> BenchInput {
        throw BenchError("synthetic input needs SyntheticStream (wip/crash); pass --stream FILE --schemas DIR meanwhile")
    }

    /// The input as a `key<TAB>value` file for kcat and `tally submit`.
    func write(to url: URL) throws {
        var data = Data()
        data.reserveCapacity(messages.reduce(0) { $0 + $1.value.count + 16 })
        for message in messages {
            if let key = message.key { data.append(contentsOf: key) }
            data.append(UInt8(ascii: "\t"))
            data.append(contentsOf: message.value)
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: url)
    }
}

/// A benchmark could not run: what is missing and what to do.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
