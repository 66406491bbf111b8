import Foundation
import SurveyEngine

/// The WWC 2018 sample (`Schemas/wwc-csc-2018/sample/` in the package): the 88
/// Kafka messages of `stream.tsv` and, per line, the outcome `expected.json` records for it.
public struct SampleStream: Sendable {
    /// One line of `stream.tsv`: a Kafka message.
    public struct Message: Sendable, Hashable {
        /// One-based line number in `stream.tsv` (the `line` of `expected.json`'s `message_outcomes`).
        public var line: Int
        /// The message key (respondent_id, or empty).
        public var key: String
        /// The message value, byte for byte (some lines are deliberately not UTF-8 or not JSON).
        public var value: [UInt8]
    }

    /// One expected problem of an `invalid` line.
    public struct ExpectedProblem: Sendable, Hashable, Decodable, CustomStringConvertible {
        /// RFC 6901 pointer, `""` for the whole message.
        public var pointer: String
        /// Problem code, e.g. `required`.
        public var code: String
        /// `(pointer, code)`, for test messages.
        public var description: String { "(\(pointer.isEmpty ? "\"\"" : pointer), \(code))" }

        /// Creates an expected problem.
        ///
        /// - Parameters:
        ///   - pointer: RFC 6901 pointer into the message, e.g. `/answers/region`; `""` for the whole message.
        ///   - code: The validator's problem code, e.g. `required` or `not_an_option`.
        public init(pointer: String, code: String) {
            self.pointer = pointer
            self.code = code
        }
    }

    /// `expected.json` → `message_outcomes[n]`: what the reference computation did with a line.
    public struct Outcome: Sendable, Hashable, Decodable {
        /// One-based line number.
        public var line: Int
        /// The message key.
        public var key: String
        /// `accepted`, `rejected` or `noop`.
        public var outcome: String
        /// For `rejected` and `noop`: `invalid`, `unknown_respondent`, `stale_edit`, `duplicate_respondent`,
        /// `instance_conflict` or `identical_resend`.
        public var reason: String?
        /// For `accepted`: `first` or `edit`.
        public var kind: String?
        /// The respondent, where the message names one.
        public var respondentId: String?
        /// The instance, where the message names one.
        public var instanceId: String?
        /// For accepted lines.
        public var submittedAt: String?
        /// For `invalid` lines: every expected (pointer, code).
        public var problems: [ExpectedProblem]?

        enum CodingKeys: String, CodingKey {
            case line, key, outcome, reason, kind, problems
            case respondentId = "respondent_id"
            case instanceId = "instance_id"
            case submittedAt = "submitted_at"
        }
    }

    /// Why the sample could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        /// What could not be loaded and why.
        public var description: String
    }

    /// The messages in file order.
    public var messages: [Message]
    /// The expected outcome of each message, in the same order.
    public var outcomes: [Outcome]

    /// The package root, found from this file's location.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Schemas/wwc-csc-2018/sample/` in the package.
    public static var directory: URL {
        packageRoot.appendingPathComponent("Schemas/wwc-csc-2018/sample")
    }

    /// `Schemas/` of the package.
    public static var schemasDirectory: URL { packageRoot.appendingPathComponent("Schemas") }

    /// Loads `stream.tsv` and `expected.json` from `directory`.
    ///
    /// Empty lines of `stream.tsv` are skipped but keep the line numbering; a value is kept byte for byte.
    ///
    /// - Parameter directory: A folder holding `stream.tsv` and `expected.json`. Default: ``directory``.
    /// - Returns: The messages in file order, each paired with its expected outcome.
    /// - Throws: `LoadError` naming the file and what is wrong (missing file, line without a tab,
    ///   outcome count not matching the line count); `DecodingError` when `expected.json` is malformed.
    public static func load(from directory: URL = SampleStream.directory) throws -> SampleStream {
        let streamURL = directory.appendingPathComponent("stream.tsv")
        let expectedURL = directory.appendingPathComponent("expected.json")
        guard let stream = FileManager.default.contents(atPath: streamURL.path) else {
            throw LoadError(description: "cannot read \(streamURL.path)")
        }
        guard let expected = FileManager.default.contents(atPath: expectedURL.path) else {
            throw LoadError(description: "cannot read \(expectedURL.path)")
        }
        var messages: [Message] = []
        for (n, line) in stream.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else {
                throw LoadError(description: "\(streamURL.path) line \(n + 1) has no TAB between key and value")
            }
            messages.append(
                Message(
                    line: n + 1,
                    key: String(decoding: line[..<tab], as: UTF8.self),
                    value: Array(line[line.index(after: tab)...])
                )
            )
        }
        struct ExpectedFile: Decodable {
            var messageOutcomes: [Outcome]
            enum CodingKeys: String, CodingKey { case messageOutcomes = "message_outcomes" }
        }
        let outcomes = try JSONDecoder().decode(ExpectedFile.self, from: expected).messageOutcomes
        guard outcomes.map(\.line) == messages.map(\.line) else {
            throw LoadError(description: "expected.json has outcomes for lines \(outcomes.map(\.line)), stream.tsv has lines \(messages.map(\.line))")
        }
        return SampleStream(messages: messages, outcomes: outcomes)
    }

    /// Each message with its expected outcome.
    public var lines: [(message: Message, expected: Outcome)] { Array(zip(messages, outcomes)) }

    /// The lines as a producer sends them (an empty key is no key, as `tally submit` sends it).
    public var keyedMessages: [KeyedMessage] {
        messages.map { KeyedMessage(key: $0.key.isEmpty ? nil : Array($0.key.utf8), value: $0.value, line: $0.line) }
    }
}

extension SampleStream {
    /// `Schemas/wwc-csc-2018/instrument.yaml`, the instrument the sample follows.
    public static var instrumentFile: URL {
        schemasDirectory.appendingPathComponent("wwc-csc-2018/instrument.yaml")
    }

    /// The sample's instrument and its frame, loaded from `Schemas/`.
    /// - Throws: `SurveyDefinitionError` when either file is missing or wrong.
    public static func loadInstrument() throws(SurveyDefinitionError) -> (instrument: Instrument, frame: Frame) {
        let instrument = try Instrument(contentsOfFile: instrumentFile.path)
        return (instrument, try instrument.loadFrame())
    }
}
