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

    /// `count` generated submissions of about `size` bytes: the shared sample repeated with fresh
    /// respondents (`SyntheticStream`; each copy keeps the sample's mix of accepted, edited,
    /// re-sent and rejected messages), cut to `count`, with a schemas copy whose frame lists the
    /// synthetic respondents (written under the temporary folder).
    static func synthetic(count: Int, size: Int, seed: UInt64 = 2018) throws -> BenchInput {
        let survey = SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018")
        let probe = try SyntheticStream.sample()
        let copies = max(1, (count + probe.sourceCount - 1) / probe.sourceCount)
        let stream = try SyntheticStream.sample(SyntheticStream.Options(copies: copies, padTo: size, seed: seed))
        var messages: [KeyedMessage] = []
        messages.reserveCapacity(count)
        copying: for copy in 1...copies {
            for index in 0..<stream.sourceCount {
                guard messages.count < count else { break copying }
                messages.append(stream.message(copy: copy, index: index))
            }
        }
        let schemas = try writeSchemas(of: survey, frameCSV: stream.frameCSV, copies: copies)
        return BenchInput(
            messages: messages,
            schemas: schemas.path,
            summary: "\(messages.count) synthetic submissions (sample × \(copies), padded to ~\(size) B)"
        )
    }

    /// A copy of the survey folder with the synthetic frame, in the temporary folder.
    static func writeSchemas(of survey: URL, frameCSV: String, copies: Int) throws -> URL {
        let files = FileManager.default
        let target = files.temporaryDirectory.appendingPathComponent("fieldtally-bench-schemas-\(getpid())-\(copies)")
            .appendingPathComponent(survey.lastPathComponent)
        try? files.removeItem(at: target)
        try files.createDirectory(at: target, withIntermediateDirectories: true)
        let frameFile = try Instrument(contentsOfFile: survey.appendingPathComponent(SurveyDefinition.instrumentFile).path).frameFile
        for name in try files.contentsOfDirectory(atPath: survey.path) where name != frameFile {
            try files.copyItem(at: survey.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
        try Data(frameCSV.utf8).write(to: target.appendingPathComponent(frameFile))
        return target
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
