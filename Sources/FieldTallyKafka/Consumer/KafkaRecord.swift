import Foundation

/// A record read from Kafka.
public struct KafkaRecord: Sendable, Hashable {
    /// The topic it was read from.
    public var topic: String
    /// Its partition.
    public var partition: Int
    /// Its offset in the partition.
    public var offset: Int64
    /// Key bytes, or nil for a record without a key.
    public var key: [UInt8]?
    /// Value bytes, or nil for a tombstone.
    public var value: [UInt8]?
    /// Headers, in the order they were written.
    public var headers: [KafkaHeader]
    /// Milliseconds since 1970 (create or log-append time), or nil when unknown.
    public var timestampMilliseconds: Int64?

    /// Creates a record (for tests and replays).
    ///
    /// - Parameters:
    ///   - topic: The topic it was read from.
    ///   - partition: Its partition, from 0.
    ///   - offset: Its offset in the partition.
    ///   - key: Key bytes, or nil for a record without a key.
    ///   - value: Value bytes, or nil for a tombstone.
    ///   - headers: Headers, in written order. Default: none.
    ///   - timestampMilliseconds: Milliseconds since 1970, or nil when unknown. Default: nil.
    public init(
        topic: String,
        partition: Int,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// The timestamp as a date, or nil when unknown.
    public var timestamp: Date? {
        timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// The key decoded as UTF-8, or nil without a key.
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    /// The value decoded as UTF-8, or nil for a tombstone.
    public var valueString: String? { value.map { String(decoding: $0, as: UTF8.self) } }

    /// The first header named `key`, if any.
    ///
    /// - Parameter key: The header name, compared exactly (case-sensitive).
    /// - Returns: The first matching header in written order; a later header of the same name is ignored.
    public func header(_ key: String) -> KafkaHeader? { headers.first { $0.key == key } }

    /// Its topic and partition.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}
