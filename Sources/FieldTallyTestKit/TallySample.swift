import Foundation
import SurveyEngine

/// The WWC 2018 sample (`Schemas/wwc-csc-2018/sample/`) prepared for aggregation tests:
/// every line of `stream.tsv` as the message the aggregator sees, coded with the human gold
/// codes, with the outcome `expected.json` gives for it.
///
/// So that aggregation tests depend on neither the validator nor the coder, validation verdicts for
/// `invalid` lines come from `expected.json` (`message_outcomes`), and each accepted head version is
/// coded with its gold codes (`gold-codes.json`; superseded versions get an empty coding, which they retract).
public struct TallySample: Sendable {
    /// One line of the stream.
    public struct Line: Sendable {
        /// 1-based line number.
        public var number: Int
        /// The Kafka key (respondent id, or empty).
        public var key: String
        /// The message.
        public var message: TallyInput
        /// `message_outcomes[n].outcome` (`accepted`, `noop`, `rejected`).
        public var expectedOutcome: String
        /// `kind` for accepted lines (`first`, `edit`), `reason` for the others.
        public var expectedDetail: String
    }

    /// The package root (the folder holding `Package.swift`).
    public let packageRoot: URL
    /// The tally plan from `Schemas/wwc-csc-2018/tally.yaml`.
    public let plan: TallyPlan
    /// The frame from `Schemas/wwc-csc-2018/frame.csv`.
    public let frame: Frame
    /// Every stream line in order.
    public let lines: [Line]
    /// `expected.json`'s bytes.
    public let expectedJSON: Data
    /// `expected.json` parsed.
    public let expected: JSONValue

    /// Loads the sample. `filePath` locates the package root; leave the default.
    ///
    /// - Parameter filePath: A file inside the package; the root is the nearest folder above it holding
    ///   `Package.swift`. Default: this source file's path.
    /// - Throws: `TallySampleError` naming the file that is missing or not as expected (also when
    ///   `stream.tsv` and `message_outcomes` differ in length); `SurveyDefinitionError` for a bad plan or frame;
    ///   `DecodingError` for a value that is not JSON.
    public init(filePath: String = #filePath) throws {
        var root = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            guard root.pathComponents.count > 1 else { throw TallySampleError("no Package.swift above \(filePath)") }
            root = root.deletingLastPathComponent()
        }
        packageRoot = root
        let schemas = root.appendingPathComponent("Schemas/wwc-csc-2018")
        let sample = schemas.appendingPathComponent("sample")
        func read(_ url: URL) throws -> Data {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw TallySampleError("cannot read \(url.path)")
            }
            return data
        }
        plan = try TallyPlan(contentsOf: schemas.appendingPathComponent(TallyPlan.fileName))
        frame = try Frame(csv: String(decoding: try read(schemas.appendingPathComponent("frame.csv")), as: UTF8.self), source: "frame.csv")
        expectedJSON = try read(sample.appendingPathComponent("expected.json"))
        expected = try ReferenceJSONValue.parse(expectedJSON)
        let gold = try ReferenceJSONValue.parse(try read(sample.appendingPathComponent("gold-codes.json")))
        let stream = try read(sample.appendingPathComponent("stream.tsv"))
        guard let outcomes = expected["message_outcomes"]?.arrayValue, let respondents = gold["respondents"]?.objectValue else {
            throw TallySampleError("expected.json lacks message_outcomes or gold-codes.json lacks respondents")
        }

        var lines: [Line] = []
        let rawLines = stream.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard rawLines.count == outcomes.count else {
            throw TallySampleError("stream.tsv has \(rawLines.count) lines, expected.json \(outcomes.count) message outcomes")
        }
        for (index, raw) in rawLines.enumerated() {
            let outcome = outcomes[index]
            let tab = raw.firstIndex(of: UInt8(ascii: "\t")) ?? raw.endIndex
            let key = String(decoding: raw[raw.startIndex..<tab], as: UTF8.self)
            let value = Data(raw[raw.index(after: tab)...])
            let verdict = outcome["outcome"]?.stringValue ?? ""
            let detail = outcome["kind"]?.stringValue ?? outcome["reason"]?.stringValue ?? ""
            let message: TallyInput
            if verdict == "rejected", detail == RejectionReason.invalid.rawValue {
                let problems = (outcome["problems"]?.arrayValue ?? []).compactMap { problem -> Problem? in
                    guard let code = problem["code"]?.stringValue.flatMap(ProblemCode.init(rawValue:)) else { return nil }
                    return Problem(pointer: problem["pointer"]?.stringValue ?? "", code: code, message: "from expected.json")
                }
                message = .rejectedUpstream(
                    Rejection(
                        reason: .invalid,
                        problems: problems,
                        respondentId: outcome["respondent_id"]?.stringValue,
                        instanceId: outcome["instance_id"]?.stringValue
                    )
                )
            } else {
                let submission = try Self.submission(try ReferenceJSONValue.parse(value), line: index + 1)
                let goldEntry = respondents[submission.respondentId]
                let coding =
                    goldEntry?["instance_id"]?.stringValue == submission.instanceId
                    ? Self.coding(gold: goldEntry ?? .null, submission: submission, plan: plan)
                    : CodingResult(codebookVersion: "gold", fields: [:], numbers: [:])
                message = .coded(CodedSubmission(submission: submission, coding: coding))
            }
            lines.append(Line(number: index + 1, key: key, message: message, expectedOutcome: verdict, expectedDetail: detail))
        }
        self.lines = lines
    }

    /// Builds a `Submission` from a parsed message value.
    ///
    /// - Parameters:
    ///   - json: The message value: an object with `form_id`, `form_version`, `instance_id`, `respondent_id`,
    ///     `submitted_at`, optionally `deprecated_id` and `answers` (default: an empty object).
    ///   - line: The 1-based line number in `stream.tsv`, for the error message.
    /// - Returns: The submission; nothing is validated beyond the presence of the string members.
    /// - Throws: `TallySampleError` when an envelope member is missing.
    public static func submission(_ json: JSONValue, line: Int) throws -> Submission {
        func member(_ name: String) throws -> String {
            guard let text = json[name]?.stringValue else { throw TallySampleError("stream.tsv line \(line) lacks \(name)") }
            return text
        }
        return Submission(
            formId: try member("form_id"),
            formVersion: try member("form_version"),
            instanceId: try member("instance_id"),
            deprecatedId: json["deprecated_id"]?.stringValue,
            respondentId: try member("respondent_id"),
            submittedAt: try member("submitted_at"),
            answers: json["answers"] ?? .object([:])
        )
    }

    /// The gold codes of one respondent as a `CodingResult`: codes from `codes`, answered =
    /// a non-empty text at any of the plan field's sources, numbers from the respondent's
    /// entry for every coded-number summary of the plan.
    ///
    /// - Parameters:
    ///   - gold: The respondent's entry of `gold-codes.json` (`codes`, plus a number per coded-number summary).
    ///   - submission: The head version the gold was made for; its answers decide which fields were answered.
    ///   - plan: Which coded fields and coded numbers to fill in; other gold entries are ignored.
    /// - Returns: A coding with codebook version `gold`, codes sorted, and no evidence spans.
    public static func coding(gold: JSONValue, submission: Submission, plan: TallyPlan) -> CodingResult {
        var fields: [String: CodedField] = [:]
        for field in plan.fields where field.origin == .coded {
            let codes = (gold["codes"]?[field.name]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
            let answered = field.source.contains { source in
                (try? TallyPath(source))?.hasText(in: submission) ?? false
            }
            fields[field.name] = CodedField(answered: answered, codes: codes, evidence: [])
        }
        var numbers: [String: CodedNumber] = [:]
        for summary in plan.numeric {
            guard case .codedNumber(let name) = summary.origin, let value = gold[name]?.numberValue else { continue }
            numbers[name] = CodedNumber(
                value: value,
                evidence: Evidence(code: name, rule: "gold", source: "gold-codes.json", start: 0, end: 0, matched: "")
            )
        }
        return CodingResult(codebookVersion: "gold", fields: fields, numbers: numbers)
    }

    /// Applies every line to `aggregator` (a single partition), returning each line's outcome.
    ///
    /// - Parameter aggregator: An aggregator of the sample's plan and frame; usually empty, so the result can be
    ///   compared with `expected.json`.
    /// - Returns: One outcome per line, in stream order.
    public func apply(to aggregator: inout Aggregator) -> [Outcome] {
        lines.map { $0.message.apply(to: &aggregator) }
    }
}
