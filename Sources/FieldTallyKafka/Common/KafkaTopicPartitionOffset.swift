/// A position in a partition: for commits, the offset of the NEXT record to read; for a record,
/// where it was read.
///
/// Written as text (`text`, `init?(text:)`) as `topic/partition/offset`, and as JSON (`Codable`)
/// as `{"offset":…,"partition":…,"topic":…}`.
public struct KafkaTopicPartitionOffset: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition number, from 0.
    public var partition: Int
    /// The offset.
    public var offset: Int64

    /// Creates a position.
    ///
    /// - Parameters:
    ///   - topic: The topic's name.
    ///   - partition: The partition number, from 0.
    ///   - offset: The offset; for a commit, the last processed offset + 1. librdkafka's logical offsets
    ///     (-2 beginning, -1 end, -1001 invalid) pass through unchanged.
    public init(topic: String, partition: Int, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// The position of `record` itself.
    /// - Parameter record: a consumed record.
    public init(of record: KafkaRecord) {
        self.init(topic: record.topic, partition: record.partition, offset: record.offset)
    }

    /// Parses `topic/partition/offset` (a Kafka topic name has no `/`); `nil` for anything else.
    /// Read on the UTF-8 bytes, without splitting into `Character`s: positions are parsed once
    /// per record on the workers' hot path.
    /// - Parameter text: the text, as `text` writes it.
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

    /// `topic/partition/offset`, what `init?(text:)` reads.
    public var text: String { "\(topic)/\(partition)/\(offset)" }

    /// The topic-partition without the offset.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// `topic[partition]@offset`.
    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}
