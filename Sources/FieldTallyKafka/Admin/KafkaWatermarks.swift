/// The offsets bounding a partition's log.
public struct KafkaWatermarks: Sendable, Hashable {
    /// Oldest retained offset.
    public var low: Int64
    /// Offset the next record will get (the log end).
    public var high: Int64
    /// Records between the two (compacted topics may hold fewer).
    public var span: Int64 { high - low }
}
