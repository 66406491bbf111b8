extension Duration {
    /// Whole milliseconds, rounded down, at least 0 (librdkafka's unit; also what worker logs print).
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Whole milliseconds clamped into librdkafka's `int` timeout parameters.
    var timeoutMilliseconds: Int32 {
        Int32(clamping: wholeMilliseconds)
    }
}
