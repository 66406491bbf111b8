import FieldTallyKafka

/// Where a submission was first read (`survey.submissions` topic, partition, offset), carried
/// along the pipeline in the `fieldtally-source` header so the aggregator can recognise a
/// message delivered twice inside the pipeline (after a worker crash) and count it once.
public struct SourcePosition: Sendable, Hashable, Codable {
    /// The header that carries it.
    public static let header = "fieldtally-source"

    public var topic: String
    public var partition: Int
    public var offset: Int64

    public init(topic: String, partition: Int, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// The position of `record` itself.
    public init(of record: KafkaRecord) {
        self.init(topic: record.topic, partition: record.partition, offset: record.offset)
    }

    /// The position a record carries in its header, or the record's own position when it has none
    /// (a record produced into a middle topic by someone else).
    public static func carried(by record: KafkaRecord) -> SourcePosition {
        if let value = record.header(header)?.value, let parsed = SourcePosition(text: String(decoding: value, as: UTF8.self)) {
            return parsed
        }
        return SourcePosition(of: record)
    }

    /// Parses `topic/partition/offset` (a Kafka topic name has no `/`); `nil` for anything else.
    /// Read on the UTF-8 bytes: every record tally-code and tally-aggregate take in carries one,
    /// and `split` on `Character`s was 3% of tally-code's CPU.
    public init?(text: String) {
        let utf8 = text.utf8
        let slash = UInt8(ascii: "/")
        guard let last = utf8.lastIndex(of: slash), let middle = utf8[..<last].lastIndex(of: slash),
              middle > utf8.startIndex, !utf8[..<middle].contains(slash),
              let partition = Int(Substring(utf8[utf8.index(after: middle)..<last])),
              let offset = Int64(Substring(utf8[utf8.index(after: last)...]))
        else { return nil }
        self.init(topic: String(Substring(utf8[..<middle])), partition: partition, offset: offset)
    }

    /// `topic/partition/offset`.
    public var text: String { "\(topic)/\(partition)/\(offset)" }

    /// As a Kafka header.
    public var kafkaHeader: KafkaHeader { KafkaHeader(key: Self.header, string: text) }
}
