/// A record to send: topic, optional key, optional value, headers, and an
/// optional explicit partition (otherwise librdkafka's partitioner hashes the key).
public struct KafkaProducerRecord: Sendable, Hashable {
    /// Destination topic.
    public var topic: String
    /// Key bytes; records with the same key go to the same partition. Default: nil.
    public var key: [UInt8]?
    /// Value bytes; nil sends a tombstone (deletes the key in a compacted topic).
    public var value: [UInt8]?
    /// Headers. Default: none.
    public var headers: [KafkaHeader]
    /// Explicit partition, or nil to partition by key. Default: nil.
    public var partition: Int?

    /// Creates a record from bytes.
    ///
    /// - Parameters:
    ///   - topic: Destination topic.
    ///   - key: Key bytes; records with the same key go to the same partition. Default: nil (no key).
    ///   - value: Value bytes; nil sends a tombstone (deletes the key in a compacted topic).
    ///   - headers: Headers, in order. Default: none.
    ///   - partition: Explicit partition, from 0, or nil to partition by key. Default: nil.
    public init(
        topic: String,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        partition: Int? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    /// Creates a record whose key and value are the UTF-8 encodings of strings.
    ///
    /// - Parameters:
    ///   - topic: Destination topic.
    ///   - key: Key text, sent as UTF-8; nil sends no key.
    ///   - value: Value text, sent as UTF-8; nil sends a tombstone.
    ///   - headers: Headers, in order. Default: none.
    ///   - partition: Explicit partition, from 0, or nil to partition by key. Default: nil.
    public init(topic: String, key: String?, value: String?, headers: [KafkaHeader] = [], partition: Int? = nil) {
        self.init(
            topic: topic,
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) },
            headers: headers,
            partition: partition
        )
    }
}
