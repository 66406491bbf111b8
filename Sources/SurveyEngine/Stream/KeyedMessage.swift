/// One Kafka message as a producer would send it: an optional key and the raw value bytes.
public struct KeyedMessage: Sendable, Hashable {
    /// The key's bytes, or `nil` for a message without a key.
    public var key: [UInt8]?
    /// The value exactly as it will be sent (not necessarily valid UTF-8 or JSON).
    public var value: [UInt8]
    /// 1-based line number in the file it came from, for error messages. 0 when not from a file.
    public var line: Int

    /// Creates a message from its raw key and value bytes.
    ///
    /// Nothing is validated here: the value may be malformed UTF-8 or JSON, because the pipeline
    /// must see exactly what a producer sent and reject it with a reason.
    /// - Parameters:
    ///   - key: The key's bytes, or `nil` for a message sent without a key (an empty key is kept
    ///     as an empty array, not turned into `nil`).
    ///   - value: The value bytes, kept byte for byte.
    ///   - line: The 1-based line number in the file the message was read from, used in error
    ///     messages. Default: `0`, meaning the message did not come from a file.
    public init(key: [UInt8]?, value: [UInt8], line: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
    }

    /// The key as text (lossy for non-UTF-8 keys), or `""` when there is none.
    public var keyString: String { key.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}
