import Foundation
import SurveyEngine

/// The human coding of the WWC 2018 sample (`Schemas/wwc-csc-2018/sample/gold-codes.json`),
/// joined with the answers of each respondent's head version from `stream.tsv`.
///
/// The head version is the line `expected.json` → `message_outcomes` marks `accepted` for the
/// gold `instance_id` (the first line carrying that instance id when the outcomes are missing).
public struct GoldCodes: Sendable {
    /// A loading problem: which file and what is wrong.
    public struct LoadError: Error, CustomStringConvertible {
        /// What failed, naming the file.
        public var description: String
    }

    /// The gold coding of one source text.
    public struct SourceCoding: Sendable, Hashable {
        /// Codes per coded field for this text (e.g. `["whole_system_model": ["signs_of_safety"]]`).
        public var codes: [String: [String]]
        /// Codes the text mentions but explicitly negates (must not be coded).
        public var negated: [String]
        /// The duration stated in this text, when the gold records one.
        public var durationWeeks: Double?
    }

    /// One counted respondent.
    public struct Respondent: Sendable {
        /// ONS code.
        public var respondentID: String
        /// The head version's instance id.
        public var instanceID: String
        /// The head version's `answers` object.
        public var answers: JSONValue
        /// Respondent-level codes per coded field (union over the field's sources); a field the
        /// respondent did not answer is absent.
        public var codes: [String: [String]]
        /// Per source path as the gold writes it (`approaches.whole_system.description`, `fgc_offer_point`).
        public var sources: [String: SourceCoding]
        /// The respondent's `duration_weeks`, or `nil`.
        public var durationWeeks: Double?

        /// The coded fields this respondent answered (a non-empty source text).
        public var answeredFields: Set<String> { Set(sources.values.flatMap(\.codes.keys)) }

        /// The text of a gold source path in the head answers, or `nil`.
        ///
        /// - Parameter source: A dotted path into the answers as the gold writes it, e.g.
        ///   `approaches.whole_system.description`.
        /// - Returns: The string at that path; nil when the path is missing or holds something other than a string.
        public func text(of source: String) -> String? {
            answers.value(atPath: source)?.stringValue
        }
    }

    /// Respondents sorted by id.
    public var respondents: [Respondent]

    /// The package root (the directory holding `Package.swift`).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Schemas/wwc-csc-2018/sample` in the package.
    public static var sampleDirectory: URL {
        packageRoot.appendingPathComponent("Schemas/wwc-csc-2018/sample")
    }

    /// `Schemas/wwc-csc-2018/codebook.yaml` in the package.
    public static var codebookPath: String {
        packageRoot.appendingPathComponent("Schemas/wwc-csc-2018/codebook.yaml").path
    }

    /// Loads and joins the gold codes with the stream.
    ///
    /// - Parameter directory: A folder holding `gold-codes.json`, `expected.json` and `stream.tsv`.
    ///   Default: ``sampleDirectory``.
    /// - Returns: Every gold respondent, sorted by id, with the answers of its head version.
    /// - Throws: ``LoadError`` naming the missing or malformed file, or a gold instance the
    ///   stream does not contain.
    public static func load(from directory: URL = sampleDirectory) throws -> GoldCodes {
        let gold = try json(directory.appendingPathComponent("gold-codes.json"))
        guard let people = (gold as? [String: Any])?["respondents"] as? [String: Any] else {
            throw LoadError(description: "gold-codes.json has no 'respondents' object")
        }
        let accepted = try acceptedLines(directory.appendingPathComponent("expected.json"))
        let lines = try streamLines(directory.appendingPathComponent("stream.tsv"))

        var respondents: [Respondent] = []
        for (id, value) in people {
            guard let person = value as? [String: Any], let instance = person["instance_id"] as? String else {
                throw LoadError(description: "gold-codes.json: respondent \(id) has no instance_id")
            }
            let candidates = lines.filter { $0.instanceID == instance }
            guard let line = candidates.first(where: { accepted.contains($0.number) }) ?? candidates.first else {
                throw LoadError(description: "stream.tsv has no message with instance_id \(instance) (respondent \(id))")
            }
            var sources: [String: SourceCoding] = [:]
            for (path, entry) in person["coded_fields"] as? [String: Any] ?? [:] {
                var coding = SourceCoding(codes: [:], negated: [], durationWeeks: nil)
                for (key, item) in entry as? [String: Any] ?? [:] {
                    switch key {
                    case "negated": coding.negated = item as? [String] ?? []
                    case "duration_weeks": coding.durationWeeks = (item as? NSNumber)?.doubleValue
                    default: coding.codes[key] = item as? [String] ?? []
                    }
                }
                sources[path] = coding
            }
            var codes: [String: [String]] = [:]
            for field in Set(sources.values.flatMap(\.codes.keys)) {
                codes[field] = (person["codes"] as? [String: Any])?[field] as? [String] ?? []
            }
            respondents.append(
                Respondent(
                    respondentID: id,
                    instanceID: instance,
                    answers: line.answers,
                    codes: codes,
                    sources: sources,
                    durationWeeks: (person["duration_weeks"] as? NSNumber)?.doubleValue
                )
            )
        }
        return GoldCodes(respondents: respondents.sorted { $0.respondentID < $1.respondentID })
    }

    private struct Line {
        var number: Int
        var instanceID: String
        var answers: JSONValue
    }

    private static func json(_ url: URL) throws -> Any {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LoadError(description: "cannot read \(url.path)")
        }
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw LoadError(description: "\(url.lastPathComponent) is not JSON: \(error)")
        }
    }

    /// Line numbers (1-based) that `message_outcomes` marks accepted.
    private static func acceptedLines(_ url: URL) throws -> Set<Int> {
        let expected = try json(url) as? [String: Any]
        let outcomes = expected?["message_outcomes"] as? [[String: Any]] ?? []
        return Set(outcomes.compactMap { $0["outcome"] as? String == "accepted" ? $0["line"] as? Int : nil })
    }

    /// Every line of the stream whose value parses as a JSON object with an instance id.
    private static func streamLines(_ url: URL) throws -> [Line] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LoadError(description: "cannot read \(url.path)")
        }
        var lines: [Line] = []
        for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            guard let tab = line.firstIndex(of: 0x09) else { continue }
            let value = Data(line[line.index(after: tab)...])
            guard let object = try? JSONSerialization.jsonObject(with: value) as? [String: Any],
                let instance = object["instance_id"] as? String
            else { continue }
            lines.append(Line(number: index + 1, instanceID: instance, answers: jsonValue(object["answers"] ?? NSNull())))
        }
        return lines
    }

    /// Foundation JSON → the engine's `JSONValue`.
    private static func jsonValue(_ any: Any) -> JSONValue {
        switch any {
        case let text as String: return .string(text)
        case let number as NSNumber:
            // JSONSerialization represents true/false as NSNumber with the Objective-C type "c".
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        case let array as [Any]: return .array(array.map(jsonValue))
        case let object as [String: Any]: return .object(object.mapValues(jsonValue))
        default: return .null
        }
    }
}
