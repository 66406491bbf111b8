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
    @discardableResult
    public func apply(to aggregator: inout Aggregator, at position: InputPosition? = nil) -> Outcome {
        switch self {
        case .coded(let coded): aggregator.apply(coded, at: position)
        case .rejectedUpstream(let rejection): aggregator.recordUpstreamRejection(rejection, at: position)
        }
    }

    /// A stable partition for `key` among `count` (FNV-1a of the key's bytes), as a Kafka
    /// partitioner would pick one: the same key always maps to the same partition.
    public static func partition(forKey key: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(hash % UInt64(count))
    }
}
