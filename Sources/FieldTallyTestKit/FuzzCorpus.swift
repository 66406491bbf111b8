import Foundation
import SurveyEngine

/// Hostile and broken messages mixed into the sample stream, made from a seed so a failure can
/// be replayed: random bytes, mutations of the sample's valid submissions (truncations, flipped
/// bytes, wrong types, unknown options, envelope changes that make stale edits, duplicates and
/// conflicts), texts over the 20,000-character cap, a message over the 1 MiB cap and
/// 10,000-level nesting.
///
/// For ``mixed()``, every fuzzed message is one the survey rejects: it replaces any mutation that
/// happens to be accepted (say a flipped byte that only changes a free text of a respondent
/// without a submission yet) until the offline tally of the whole mixed stream rejects them all.
/// Each message is keyed as a survey platform keys it: by the respondent of a submission that
/// passes validation, so one respondent's versions keep their order through the partitions.
/// ``fuzzed(_:)`` makes any number of them without that replacement, for `fieldtally-bench fuzz`.
public struct FuzzCorpus {
    /// The kinds of fuzzed message.
    public enum Kind: String, CaseIterable, Comparable, Sendable {
        case randomBytes = "random bytes"
        case truncated = "truncation"
        case flippedBytes = "flipped bytes"
        case wrongType = "wrong type"
        case unknownOption = "unknown option"
        case envelope = "envelope change (stale edit, duplicate, conflict, unknown respondent, bad format)"
        case hugeText = "text over the 20,000-character cap"
        case overMessageCap = "message over 1 MiB"
        case deepNesting = "10,000-level nesting"
        case invalidUTF8 = "invalid UTF-8 in a text"

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    /// How many of each kind make the 10,000 of ``mixed()``.
    public static let counts: [(Kind, Int)] = [
        (.randomBytes, 1_200), (.truncated, 1_500), (.flippedBytes, 2_000), (.wrongType, 1_500), (.unknownOption, 1_500),
        (.envelope, 2_239), (.hugeText, 50), (.overMessageCap, 1), (.deepNesting, 10),
    ]

    /// The share of each kind in ``fuzzed(_:)``, per 10,000: ``counts`` with invalid UTF-8 taken from the envelope changes.
    public static let shares: [(Kind, Int)] = [
        (.randomBytes, 1_200), (.truncated, 1_500), (.flippedBytes, 2_000), (.wrongType, 1_500), (.unknownOption, 1_500),
        (.envelope, 1_739), (.invalidUTF8, 500), (.hugeText, 50), (.overMessageCap, 1), (.deepNesting, 10),
    ]

    /// One message of the mixed stream.
    public struct Entry: Sendable {
        /// `nil` for a line of the sample.
        public var kind: Kind?
        /// The message, keyed as a survey platform keys it.
        public var message: KeyedMessage
        /// The index of the sample line this entry goes just before (the line count: after the last);
        /// a mutation's slot is after its original's line.
        public var slot: Int
    }

    private var random: ReferenceRandom
    private let sample: SampleStream
    private let survey: SurveyDefinition
    /// The sample's accepted submissions: line index, key, parsed document.
    private let originals: [(index: Int, key: String, document: JSONValue)]
    private let writer = JSONWriter()

    /// A corpus drawing its mutations from `sample`'s accepted submissions.
    ///
    /// - Parameters:
    ///   - sample: The sample stream and its expected outcomes.
    ///   - survey: The survey the sample belongs to (keys fuzzed messages that pass its validation).
    ///   - seed: The seed of every random choice: the same seed makes the same messages.
    /// - Throws: when a sample submission marked accepted is not JSON.
    public init(sample: SampleStream, survey: SurveyDefinition, seed: UInt64) throws {
        self.sample = sample
        self.survey = survey
        random = ReferenceRandom(seed: seed)
        let parser = JSONParser()
        originals = try sample.lines.enumerated().compactMap { index, line in
            guard line.expected.outcome == "accepted" else { return nil }
            return (index, line.message.key, try parser.parse(line.message.value))
        }
    }

    /// The sample with every fuzzed message mixed in, and how many regenerations it took for the
    /// offline tally to reject every fuzzed message.
    /// - Throws: `PipelineError` when some fuzzed message is still accepted after 50 rounds.
    public mutating func mixed() throws -> (entries: [Entry], regenerated: Int) {
        var fuzz: [Entry] = []
        for (kind, count) in Self.counts {
            for _ in 0..<count { fuzz.append(make(kind)) }
        }
        var regenerated = 0
        for _ in 0..<50 {
            let entries = assemble(fuzz)
            var run = OfflineTally(survey: survey)
            var accepted: [Int] = []
            for item in entries {
                let result = run.process(item.entry.message)
                if let index = item.fuzzIndex, result.outcome.rejection == nil { accepted.append(index) }
            }
            if accepted.isEmpty { return (entries.map(\.entry), regenerated) }
            for index in accepted {
                fuzz[index] = make(fuzz[index].kind!)
                regenerated += 1
            }
        }
        throw PipelineError("fuzzed messages were still accepted after 50 rounds of regeneration")
    }

    /// The sample with `count` fuzzed messages mixed in (kinds in the proportions of ``shares``), without
    /// replacing the ones the survey happens to accept.
    ///
    /// - Parameter count: Fuzzed messages to make.
    /// - Returns: Every entry in stream order: the sample's lines (``Entry/kind`` nil) and the fuzzed ones.
    public mutating func fuzzed(_ count: Int) -> [Entry] {
        let total = Self.shares.reduce(0) { $0 + $1.1 }
        var fuzz: [Entry] = []
        fuzz.reserveCapacity(count)
        for (kind, share) in Self.shares {
            for _ in 0..<(count * share / total) { fuzz.append(make(kind)) }
        }
        while fuzz.count < count { fuzz.append(make(.flippedBytes)) }
        return assemble(fuzz).map(\.entry)
    }

    /// Sample lines in order, each fuzzed message before the sample line of its slot, keyed.
    private func assemble(_ fuzz: [Entry]) -> [(entry: Entry, fuzzIndex: Int?)] {
        var bySlot: [Int: [Int]] = [:]
        for (index, entry) in fuzz.enumerated() { bySlot[entry.slot, default: []].append(index) }
        var out: [(entry: Entry, fuzzIndex: Int?)] = []
        out.reserveCapacity(fuzz.count + sample.messages.count)
        let lines = sample.messages
        for slot in 0...lines.count {
            for index in bySlot[slot] ?? [] { out.append((keyed(fuzz[index]), index)) }
            if slot < lines.count {
                let line = lines[slot]
                let message = KeyedMessage(key: line.key.isEmpty ? nil : Array(line.key.utf8), value: line.value, line: line.line)
                out.append((keyed(Entry(kind: nil, message: message, slot: slot)), nil))
            }
        }
        return out
    }

    /// The entry keyed by its respondent when it passes validation (as a survey platform keys it).
    private func keyed(_ entry: Entry) -> Entry {
        guard case .valid(let submission) = survey.validator.validate(entry.message.value) else { return entry }
        var keyed = entry
        keyed.message.key = Array(submission.respondentId.utf8)
        return keyed
    }

    // MARK: Making messages

    private mutating func make(_ kind: Kind) -> Entry {
        let lineCount = sample.messages.count
        if kind == .randomBytes || kind == .deepNesting || kind == .overMessageCap {
            let value: [UInt8] =
                switch kind {
                case .randomBytes: randomBytes()
                case .deepNesting: deepNesting()
                default: overCap()
                }
            let key: [UInt8]? = random.chance(0.5) ? nil : Array("E0\(Int.random(in: 6_000_000...9_999_999, using: &random))".utf8)
            return Entry(kind: kind, message: KeyedMessage(key: key, value: value), slot: Int.random(in: 0...lineCount, using: &random))
        }
        let original = originals[Int.random(in: 0..<originals.count, using: &random)]
        let raw = sample.messages[original.index].value
        let value: [UInt8] =
            switch kind {
            case .truncated: Array(raw.prefix(Int.random(in: 0..<raw.count, using: &random)))
            case .flippedBytes: flipped(raw)
            case .wrongType: wrongType(original.document)
            case .unknownOption: unknownOption(original.document)
            case .hugeText: hugeText(original.document)
            case .invalidUTF8: invalidUTF8(raw)
            default: envelopeChange(original.document, raw: raw)
            }
        return Entry(
            kind: kind,
            message: KeyedMessage(key: Array(original.key.utf8), value: value),
            slot: Int.random(in: (original.index + 1)...lineCount, using: &random)
        )
    }

    private mutating func randomBytes() -> [UInt8] {
        let junk = (0..<Int.random(in: 0...400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        return random.chance(0.3) ? Array(#"{"form_id":"wwc-csc-2018","answers":"#.utf8) + junk : junk
    }

    private mutating func flipped(_ raw: [UInt8]) -> [UInt8] {
        var bytes = raw
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            var replacement = UInt8.random(in: 0...255, using: &random)
            while replacement == bytes[at] { replacement = UInt8.random(in: 0...255, using: &random) }
            bytes[at] = replacement
        }
        return bytes
    }

    /// Bytes that are not UTF-8 (a lone continuation byte, a cut two-byte sequence, an overlong form, a surrogate)
    /// just before one of the submission's quotes (so mostly at the end of a string), or at its end when it has none.
    private mutating func invalidUTF8(_ raw: [UInt8]) -> [UInt8] {
        let bad: [[UInt8]] = [[0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]]
        let insert = bad[Int.random(in: 0..<bad.count, using: &random)]
        let quotes = raw.indices.filter { raw[$0] == UInt8(ascii: "\"") }
        guard quotes.count >= 2 else { return raw + insert }
        let at = quotes[Int.random(in: 1..<quotes.count, using: &random)]
        return Array(raw[..<at]) + insert + Array(raw[at...])
    }

    /// One member or element anywhere in the document replaced by a value of another type.
    private mutating func wrongType(_ document: JSONValue) -> [UInt8] {
        let paths = Self.paths(in: document)
        let path = paths[Int.random(in: 0..<paths.count, using: &random)]
        let current = Self.value(at: path, in: document)
        let candidates: [JSONValue] = [.number(42), .string("forty-two"), .array([.number(1)]), .object(["x": .number(1)]), .bool(true), .null]
            .filter { Self.typeName($0) != Self.typeName(current) }
        return writer.bytes(Self.replacing(path, in: document, with: candidates[Int.random(in: 0..<candidates.count, using: &random)]))
    }

    /// An option code the instrument does not list, where it lists options.
    private mutating func unknownOption(_ document: JSONValue) -> [UInt8] {
        let code = JSONValue.string("zz_" + String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement(using: &random)! }))
        if random.chance(0.5), case .array(var chosen)? = document["answers"]?["top_approaches"], !chosen.isEmpty {
            chosen[Int.random(in: 0..<chosen.count, using: &random)] = code
            return writer.bytes(Self.replacing(["answers", "top_approaches"], in: document, with: .array(chosen)))
        }
        return writer.bytes(Self.replacing(["answers", "care_trend"], in: document, with: code))
    }

    /// A description longer than the 20,000-character text cap (sometimes in two-byte characters).
    private mutating func hugeText(_ document: JSONValue) -> [UInt8] {
        let length = Int.random(in: 20_001...45_000, using: &random)
        let unit = random.chance(0.3) ? "é" : "family support "
        let text = String(String(repeating: unit, count: length / unit.count + 1).prefix(length))
        let section = document["answers"]?["approaches"]?.objectValue?.keys.sorted().first ?? "whole_system"
        return writer.bytes(Self.replacing(["answers", "approaches", section, "description"], in: document, with: .string(text)))
    }

    private mutating func envelopeChange(_ document: JSONValue, raw: [UInt8]) -> [UInt8] {
        func with(_ member: String, _ value: JSONValue) -> [UInt8] { writer.bytes(Self.replacing([member], in: document, with: value)) }
        switch Int.random(in: 0..<9, using: &random) {
        case 0: return with("instance_id", .string(randomInstanceID()))  // duplicate_respondent
        case 1: return with("submitted_at", .string("2018-05-0\(Int.random(in: 1...9, using: &random))T10:00:00+01:00"))  // instance_conflict
        case 2:  // stale_edit
            return writer.bytes(
                Self.replacing(
                    ["deprecated_id"],
                    in: Self.replacing(
                        ["instance_id"],
                        in: document,
                        with: .string(randomInstanceID())
                    ),
                    with: .string(randomInstanceID())
                )
            )
        case 3: return with("respondent_id", .string("E99\(Int.random(in: 100_000...999_999, using: &random))"))  // unknown_respondent
        case 4: return with("form_version", .string("2099.\(Int.random(in: 1...9, using: &random))"))
        case 5: return with("instance_id", .string("uuid:not-a-uuid-\(Int.random(in: 0...999, using: &random))"))
        case 6: return with("submitted_at", .string("yesterday"))
        case 7:  // a required member missing
            guard case .object(var members) = document else { return raw }
            let names = ["form_id", "form_version", "instance_id", "respondent_id", "submitted_at", "answers"]
            members[names[Int.random(in: 0..<names.count, using: &random)]] = nil
            return writer.bytes(.object(members))
        default:  // a duplicated member name
            return Array(#"{"respondent_id":"E09000001","#.utf8) + raw.dropFirst()
        }
    }

    private mutating func randomInstanceID() -> String {
        let hex = (0..<32).map { _ in "0123456789abcdef".randomElement(using: &random)! }
        let text = String(hex)
        func part(_ from: Int, _ count: Int) -> Substring { text.dropFirst(from).prefix(count) }
        return "uuid:\(part(0, 8))-\(part(8, 4))-4\(part(13, 3))-a\(part(17, 3))-\(part(20, 12))"
    }

    private mutating func deepNesting() -> [UInt8] {
        let depth = 10_000
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        case 1:
            return Array(String(repeating: #"{"a":"#, count: depth).utf8) + [UInt8(ascii: "1")] + Array(repeating: UInt8(ascii: "}"), count: depth)
        case 2: return Array(repeating: UInt8(ascii: "["), count: depth)  // never closed
        default:  // deep inside a submission
            return Array(
                #"{"form_id":"wwc-csc-2018","form_version":"2018.1","instance_id":"uuid:8f7a64a2-3b3c-4f5e-9d8e-0a1b2c3d4e5f","respondent_id":"E09000001","submitted_at":"2018-04-03T11:28:02+01:00","answers":{"care_trend":"#
                    .utf8
            )
                + Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth) + Array("}}".utf8)
        }
    }

    /// A message over the 1 MiB cap (the validator rejects it before parsing).
    private func overCap() -> [UInt8] {
        Array(#"{"form_id":"wwc-csc-2018","answers":{"other_approach_text":""#.utf8)
            + Array(repeating: UInt8(ascii: "x"), count: 1_100_000) + Array(#""}}"#.utf8)
    }

    // MARK: JSON paths

    private static func paths(in value: JSONValue, prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let members):
            members.keys.sorted().flatMap { [prefix + [$0]] + paths(in: members[$0]!, prefix: prefix + [$0]) }
        case .array(let elements):
            elements.indices.flatMap { [prefix + [String($0)]] + paths(in: elements[$0], prefix: prefix + [String($0)]) }
        default:
            []
        }
    }

    private static func value(at path: [String], in value: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        switch value {
        case .object(let members): return members[first].map { self.value(at: Array(path.dropFirst()), in: $0) } ?? .null
        case .array(let elements): return Int(first).map { self.value(at: Array(path.dropFirst()), in: elements[$0]) } ?? .null
        default: return .null
        }
    }

    private static func replacing(_ path: [String], in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let first = path.first else { return replacement }
        let rest = Array(path.dropFirst())
        switch value {
        case .object(var members):
            members[first] = replacing(rest, in: members[first] ?? .object([:]), with: replacement)
            return .object(members)
        case .array(var elements):
            guard let index = Int(first), elements.indices.contains(index) else { return value }
            elements[index] = replacing(rest, in: elements[index], with: replacement)
            return .array(elements)
        default:
            return .object([first: replacing(rest, in: .object([:]), with: replacement)])
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
