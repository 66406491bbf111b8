/// Where the broker stored a record it acknowledged.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The partition the record went to.
    public var partition: Int
    /// The record's offset in that partition; -1 when the broker gave none (`acks=0`).
    public var offset: Int64

    /// Creates a report.
    ///
    /// - Parameters:
    ///   - partition: The partition the record went to, from 0.
    ///   - offset: The record's offset in that partition, or -1 when the broker gave none.
    public init(partition: Int, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }
}

/// The outcome of one record of a batch: its report, or why it was not delivered.
public typealias KafkaDeliveryResult = Result<KafkaDeliveryReport, KafkaError>
