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

    /// The duration in seconds, as a floating-point number (for metrics, logs and figures).
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
