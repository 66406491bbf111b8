/// A Kafka record header: a name and optional bytes.
public struct KafkaHeader: Sendable, Hashable {
    /// The header's name.
    public var key: String
    /// The header's value; `nil` for a header without a value.
    public var value: [UInt8]?

    /// Creates a header from bytes.
    ///
    /// - Parameters:
    ///   - key: The header's name; Kafka allows repeated names.
    ///   - value: The header's bytes, or nil for a header without a value (distinct from an empty value).
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 encoding of `string`.
    ///
    /// - Parameters:
    ///   - key: The header's name.
    ///   - string: The value's text; an empty string gives an empty (not absent) value.
    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }

    /// The value decoded as UTF-8, or `nil` when absent.
    public var stringValue: String? {
        value.map { String(decoding: $0, as: UTF8.self) }
    }
}
