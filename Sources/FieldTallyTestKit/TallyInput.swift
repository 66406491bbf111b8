import SurveyEngine

/// One message as it reaches the aggregator in tests: a coded submission, or a message an
/// earlier stage rejected.
public enum TallyInput: Sendable, Hashable {
    /// A valid submission with its coding: for `Aggregator.apply`.
    case coded(CodedSubmission)
    /// A message rejected before aggregation: for `Aggregator.recordUpstreamRejection`.
    case rejectedUpstream(Rejection)

    /// The respondent the message names, if any (the Kafka key).
    public var respondentId: String? {
        switch self {
        case .coded(let coded): coded.submission.respondentId
        case .rejectedUpstream(let rejection): rejection.respondentId
        }
    }

    /// Applies the message to `aggregator`.
    ///
    /// - Parameters:
    ///   - aggregator: The aggregator of the message's partition.
    ///   - position: Where the message was read; with it, a replay of an applied position returns
    ///     `.alreadyApplied` and changes nothing. Default: nil (no replay detection).
    /// - Returns: The aggregator's outcome: counted, no-op or rejected with a reason.
    @discardableResult
    public func apply(to aggregator: inout Aggregator, at position: InputPosition? = nil) -> Outcome {
        switch self {
        case .coded(let coded): aggregator.apply(coded, at: position)
        case .rejectedUpstream(let rejection): aggregator.recordUpstreamRejection(rejection, at: position)
        }
    }

    /// A stable partition for `key` among `count` (FNV-1a of the key's bytes), as a Kafka
    /// partitioner would pick one: the same key always maps to the same partition.
    ///
    /// It is not librdkafka's partitioner (murmur2 / crc32), so it does not predict the partition a broker
    /// stores a key in; it spreads respondents over in-process aggregators the way Kafka would.
    ///
    /// - Parameters:
    ///   - key: The message key, usually the respondent id; the empty key maps like any other.
    ///   - count: Number of partitions; must be at least 1.
    /// - Returns: A partition in `0..<count`.
    public static func partition(forKey key: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(hash % UInt64(count))
    }
}
