/// Size caps of an instrument. A message or text over its cap is rejected with problem code `too_large`.
public struct InstrumentLimits: Sendable, Hashable {
    /// The largest accepted message, in bytes. Default: 1 MiB (1,048,576). Larger messages are
    /// rejected before they are parsed.
    public var messageBytes: Int = 1_048_576
    /// The longest accepted text answer, in characters (Unicode scalars, the unit of JSON Schema's
    /// `maxLength`), unless a question sets its own `max_length`. Default: 20,000.
    public var textCharacters: Int = 20_000

    /// Creates limits; every value has a default.
    ///
    /// - Parameters:
    ///   - messageBytes: The largest accepted message, in bytes, checked before parsing. Default: 1,048,576 (1 MiB).
    ///   - textCharacters: The longest accepted text answer, in Unicode scalars, where a question sets no
    ///     `max_length`. Default: 20,000.
    public init(messageBytes: Int = 1_048_576, textCharacters: Int = 20_000) {
        self.messageBytes = messageBytes
        self.textCharacters = textCharacters
    }
}
