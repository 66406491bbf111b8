import FieldTallyKafka
import Foundation
import SurveyEngine

/// The value of a `survey.rejected` record: the original message, why it was not counted,
/// where it came from and which worker turned it away.
///
/// The original value is kept byte for byte: as text in `value` when it is valid UTF-8, else in
/// `value_base64`. `tally rejected` decodes it with `JSONDecoder`; the aggregator, counting it,
/// reads it without its value (`withoutValue(_:)`).
public struct DeadLetter: Codable, Sendable, Hashable {
    /// Where the rejected submission was first read (its `survey.submissions` position).
    public typealias Source = KafkaTopicPartitionOffset

    /// The stable reason code (`invalid`, `unknown_respondent`, `stale_edit`, …).
    public var reason: String
    /// Every problem found (JSON pointer, code, message); may be empty for stateful reasons.
    public var problems: [Problem]
    /// A sentence for the person reading it, where the problems do not say it all
    /// (e.g. which head a stale edit should have named).
    public var detail: String?
    /// The worker that rejected it, e.g. `tally-validate`.
    public var worker: String
    /// The input record's coordinates.
    public var source: Source
    /// The original key as text, or `nil` for a record without a key.
    public var key: String?
    /// The original value when it is valid UTF-8.
    public var value: String?
    /// The original value in base64 when it is not valid UTF-8.
    public var valueBase64: String?
    /// `true` when `value` / `value_base64` hold only the start of the original, which was too
    /// large for a dead-letter record (see ``valueBytes``); absent otherwise.
    public var valueTruncated: Bool?
    /// The original value's size in bytes, given when it was truncated.
    public var valueBytes: Int?
    /// The respondent, when the message named one.
    public var respondentID: String?
    /// The instance, when the message named one.
    public var instanceID: String?
    /// When the worker rejected it (RFC 3339, UTC).
    public var rejectedAt: String

    /// The same for every re-send of one rejection (same worker, same source record), which
    /// at-least-once delivery can write twice: readers count a letter once by it.
    public var identity: String { "\(worker)|\(source.text)" }

    enum CodingKeys: String, CodingKey {
        case reason, problems, detail, worker, source, key, value
        case valueBase64 = "value_base64"
        case valueTruncated = "value_truncated"
        case valueBytes = "value_bytes"
        case respondentID = "respondent_id"
        case instanceID = "instance_id"
        case rejectedAt = "rejected_at"
    }

    /// A dead letter for `rejection` of the record `key`/`value` read at `source` by `worker`.
    ///
    /// A UTF-8 value is kept as text in `value`; any other bytes go to `value_base64`. The letter is
    /// never truncated here: ``DeadLetters`` does that when the record would be too large.
    /// - Parameters:
    ///   - rejection: the reason, problems, respondent id and instance id the letter records.
    ///   - detail: an extra sentence for the reader where the problems do not say it all. Default: none.
    ///   - worker: the name of the worker writing the letter (part of its ``identity``).
    ///   - source: where the submission was first read (part of its ``identity``).
    ///   - key: the original record's key, decoded as UTF-8 with invalid bytes replaced; `nil` for none.
    ///   - value: the original record's value, kept whole.
    ///   - date: the rejection time, written in RFC 3339 UTC to the second. Default: now.
    public init(
        rejection: Rejection,
        detail: String? = nil,
        worker: String,
        source: Source,
        key: [UInt8]?,
        value: [UInt8],
        at date: Date = Date()
    ) {
        reason = rejection.reason.rawValue
        problems = rejection.problems
        self.detail = detail
        self.worker = worker
        self.source = source
        self.key = key.map { String(decoding: $0, as: UTF8.self) }
        if let text = String(validating: value, as: UTF8.self) {
            self.value = text
        } else {
            valueBase64 = Data(value).base64EncodedString()
        }
        respondentID = rejection.respondentId
        instanceID = rejection.instanceId
        rejectedAt = Self.timestamp(date)
    }

    /// `date` in RFC 3339 UTC to the second (`2018-04-04T15:48:08Z`, what `.iso8601` formatting
    /// gives), without a formatter per letter.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The letter as JSON: what `JSONEncoder` with sorted keys writes (absent optionals left
    /// out, slashes not escaped), written directly into one buffer sized up front, because a
    /// dead letter carries a whole message of up to megabytes. Every writer of dead letters
    /// (the workers, `tally replay`) uses it.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + (value?.utf8.count ?? 0) + (valueBase64?.utf8.count ?? 0))
        var first = true
        func member(_ name: CodingKeys) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            JSONWriter.writeString(name.stringValue, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        func text(_ name: CodingKeys, _ value: String?) {
            guard let value else { return }
            member(name)
            JSONWriter.writeString(value, into: &out)
        }
        // Members in the byte order of their names.
        text(.detail, detail)
        text(.instanceID, instanceID)
        text(.key, key)
        member(.problems)
        out.append(UInt8(ascii: "["))
        for (n, problem) in problems.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"code":"#.utf8)
            JSONWriter.writeString(problem.code.rawValue, into: &out)
            out.append(contentsOf: #","message":"#.utf8)
            JSONWriter.writeString(problem.message, into: &out)
            out.append(contentsOf: #","pointer":"#.utf8)
            JSONWriter.writeString(problem.pointer, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        text(.reason, reason)
        text(.rejectedAt, rejectedAt)
        text(.respondentID, respondentID)
        member(.source)
        out.append(contentsOf: #"{"offset":"#.utf8)
        out.append(contentsOf: String(source.offset).utf8)
        out.append(contentsOf: #","partition":"#.utf8)
        out.append(contentsOf: String(source.partition).utf8)
        out.append(contentsOf: #","topic":"#.utf8)
        JSONWriter.writeString(source.topic, into: &out)
        out.append(UInt8(ascii: "}"))
        text(.value, value)
        text(.valueBase64, valueBase64)
        if let valueBytes {
            member(.valueBytes)
            out.append(contentsOf: String(valueBytes).utf8)
        }
        if let valueTruncated {
            member(.valueTruncated)
            out.append(contentsOf: (valueTruncated ? "true" : "false").utf8)
        }
        text(.worker, worker)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The original value's bytes, from whichever of `value` / `value_base64` is present (only its
    /// first part when ``valueTruncated``).
    public var originalValue: [UInt8] {
        if let value { return Array(value.utf8) }
        return valueBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? []
    }

    /// The rejection this dead letter records (reason decoded back into the engine's type).
    public var rejection: Rejection? {
        RejectionReason(rawValue: reason).map {
            Rejection(reason: $0, problems: problems, respondentId: respondentID, instanceId: instanceID)
        }
    }
}

extension DeadLetter {
    /// Reads a dead letter with its original value left out unread (`value` is `nil`; a
    /// `value_base64` is kept): what the aggregator needs to count it, without decoding a value
    /// of up to megabytes through `JSONDecoder`. `nil` when `bytes` are not a dead letter.
    /// - Parameter bytes: a `survey.rejected` record's value.
    /// - Returns: the letter without `value`, or `nil` when the bytes do not parse or lack a required member.
    public static func withoutValue(_ bytes: [UInt8]) -> DeadLetter? {
        guard let document = try? valueSkippingParser.parse(bytes) else { return nil }
        return DeadLetter(jsonValue: document)
    }

    private static let valueSkippingParser = JSONParser(skipping: [CodingKeys.value.stringValue])

    /// The dead letter a parsed document holds, read as `JSONDecoder` reads it (absent or null
    /// optional members are `nil`), or `nil` when a required member is missing or mistyped.
    init?(jsonValue document: JSONValue) {
        func text(_ key: CodingKeys) -> String? { document[key.stringValue]?.stringValue }
        func integer(_ value: JSONValue?) -> Int64? {
            guard let number = value?.numberValue, number.rounded() == number, abs(number) < 9_007_199_254_740_992 else { return nil }
            return Int64(number)
        }
        guard let reason = text(.reason), let worker = text(.worker), let rejectedAt = text(.rejectedAt),
            let source = document[CodingKeys.source.stringValue], let topic = source["topic"]?.stringValue,
            let partition = integer(source["partition"]), let offset = integer(source["offset"]),
            let problemValues = document[CodingKeys.problems.stringValue]?.arrayValue
        else { return nil }
        var problems: [Problem] = []
        problems.reserveCapacity(problemValues.count)
        for value in problemValues {
            guard let pointer = value["pointer"]?.stringValue, let code = value["code"]?.stringValue.flatMap(ProblemCode.init(rawValue:)),
                let message = value["message"]?.stringValue
            else { return nil }
            problems.append(Problem(pointer: pointer, code: code, message: message))
        }
        self.reason = reason
        self.problems = problems
        self.detail = text(.detail)
        self.worker = worker
        self.source = Source(topic: topic, partition: Int(partition), offset: offset)
        self.key = text(.key)
        self.value = text(.value)
        self.valueBase64 = text(.valueBase64)
        if case .bool(let truncated)? = document[CodingKeys.valueTruncated.stringValue] { self.valueTruncated = truncated }
        self.valueBytes = integer(document[CodingKeys.valueBytes.stringValue]).map { Int($0) }
        self.respondentID = text(.respondentID)
        self.instanceID = text(.instanceID)
        self.rejectedAt = rejectedAt
    }
}
