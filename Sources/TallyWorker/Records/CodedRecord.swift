import FieldTallyKafka
import SurveyEngine

/// The value of a `survey.coded` record: a validated submission (embedded byte for byte as it
/// was submitted), its coding (codebook version, codes, evidence) and its source position.
///
/// ```json
/// {"source": "survey.submissions/0/42", "coding": {…}, "submission": {…as submitted…}}
/// ```
public struct CodedRecord: Sendable {
    /// Where the submission was first read.
    public var source: KafkaTopicPartitionOffset
    /// The coding.
    public var coding: CodingResult
    /// The submission document.
    public var submission: JSONValue

    /// Encodes a coded record, splicing the submission's original bytes in unchanged.
    ///
    /// The submission is written last and verbatim, which is what lets ``originalSubmissionBytes(in:parser:)``
    /// cut it back out and dead letters keep the submission exactly as it was sent.
    /// - Parameters:
    ///   - source: the submission's first-read position, written as `topic/partition/offset`.
    ///   - coding: the coding result, serialised with its codebook version, codes and evidence.
    ///   - submissionBytes: the submission as submitted; must be one JSON value, as it is not checked.
    /// - Returns: the record's UTF-8 JSON bytes.
    public static func encode(source: KafkaTopicPartitionOffset, coding: CodingResult, submissionBytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        // Room for the coding too: its evidence is often 1–2 KB.
        out.reserveCapacity(submissionBytes.count + 4_096)
        out.append(contentsOf: #"{"source":"#.utf8)
        JSONWriter.writeString(source.text, into: &out)
        out.append(contentsOf: #","coding":"#.utf8)
        coding.writeJSON(into: &out)
        out.append(contentsOf: #","submission":"#.utf8)
        out.append(contentsOf: submissionBytes)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Decodes a coded record.
    ///
    /// `parser` is the parser the submission was validated with: the record is parsed with one
    /// more level of nesting allowed, since it wraps the submission in an object, so a
    /// submission at the validator's depth limit still decodes.
    ///
    /// With `readsEvidence` false (the aggregator, which counts codes and numbers only) the
    /// coding's evidence is skipped, not built: fields have no evidence and numbers have
    /// `Evidence.unread`.
    /// - Parameters:
    ///   - bytes: a record's value as ``encode(source:coding:submissionBytes:)`` writes it; member order does not matter here.
    ///   - parser: the parser the submission was validated with. Default: a parser with default limits.
    ///   - readsEvidence: whether the coding's evidence is parsed and required. Default: `true`.
    /// - Throws: `SurveyDefinitionError` (file `survey.coded`) when the bytes are not a coded record.
    public init(bytes: [UInt8], parser: JSONParser = JSONParser(), readsEvidence: Bool = true) throws(SurveyDefinitionError) {
        let document: JSONValue
        let recordParser = JSONParser(maxDepth: parser.maxDepth + 1, skipping: readsEvidence ? [] : Self.evidencePath)
        do { document = try recordParser.parse(bytes) } catch {
            throw SurveyDefinitionError(file: "survey.coded", message: "not JSON: \(error)")
        }
        guard let sourceText = document["source"]?.stringValue, let source = KafkaTopicPartitionOffset(text: sourceText),
            let coding = document["coding"], let submission = document["submission"]
        else { throw SurveyDefinitionError(file: "survey.coded", message: "a coded record needs source, coding and submission") }
        self.source = source
        self.coding = try CodingResult(jsonValue: coding, evidenceRequired: readsEvidence)
        self.submission = submission
    }
}

extension CodedRecord {
    /// Where evidence sits in a record: `coding` → `fields`/`numbers` → a field or number → `evidence`.
    static let evidencePath = ["coding", "*", "*", "evidence"]

    private static let submissionMember = Array(#","submission":"#.utf8)

    /// The submission's bytes exactly as they were submitted, cut out of `bytes` (a record
    /// `encode` wrote, where the submission is the last member), or `nil` when `bytes` is laid out
    /// otherwise or the cut-out bytes do not parse to this record's `submission`.
    ///
    /// Dead letters keep the original bytes; re-serialising the parsed submission would reorder
    /// its members and reformat its numbers.
    /// - Parameters:
    ///   - bytes: the encoded record this value was decoded from; trailing whitespace after the submission is dropped.
    ///   - parser: parses the cut-out bytes to check them against ``submission``; pass the validator's
    ///     parser so its limits apply. Default: a parser with default limits.
    /// - Returns: the submission's original bytes, or `nil` when they cannot be found or do not match.
    public func originalSubmissionBytes(in bytes: [UInt8], parser: JSONParser = JSONParser()) -> [UInt8]? {
        let member = Self.submissionMember
        guard bytes.count > member.count + 1, var end = bytes.lastIndex(of: UInt8(ascii: "}")) else { return nil }
        // A quote only ever appears unescaped as a delimiter, so this finds the record's own
        // member (source and coding come first and hold no `submission` key).
        var start: Int?
        var i = 0
        while i + member.count <= end {
            if bytes[i] == member[0], bytes[i..<(i + member.count)].elementsEqual(member) {
                start = i + member.count
                break
            }
            i += 1
        }
        guard let start else { return nil }
        while end > start, [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(bytes[end - 1]) {
            end -= 1
        }
        let slice = Array(bytes[start..<end])
        guard let parsed = try? parser.parse(slice), parsed == submission else { return nil }
        return slice
    }
}
