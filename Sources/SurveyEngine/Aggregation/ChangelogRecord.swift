import Foundation

/// One record for the aggregator's compacted changelog topic: `key` is a respondent id (value:
/// a `RespondentState`) or `__paradata__/<partition>` (value: a `PartitionParadata`); `value`
/// is JSON with sorted keys (written and read by `ChangelogJSON`; `JSONDecoder` reads it too). Records are
/// never deleted, so there are no tombstones.
public struct ChangelogRecord: Sendable, Hashable {
    /// The record key.
    public var key: String
    /// The JSON value.
    public var value: Data

    /// Wraps a key and value read back from the changelog.
    ///
    /// - Parameters:
    ///   - key: The Kafka record key: a respondent id or `__paradata__/<partition>`.
    ///   - value: The record value; decoded only by ``Aggregator/restore(_:)``.
    public init(key: String, value: Data) {
        self.key = key
        self.value = value
    }

    /// The record of a respondent's state.
    ///
    /// - Parameter state: The state, including its contribution; keyed by its respondent id.
    public init(_ state: RespondentState) {
        self.init(state, contribution: state.contribution.map(CountedContribution.strings))
    }

    /// The record of a respondent's state with `contribution` as its contribution (the
    /// aggregator holds it apart from the state, usually indexed).
    init(_ state: borrowing RespondentState, contribution: borrowing CountedContribution?) {
        self.init(key: state.respondentId, value: ChangelogJSON.encode(state, contribution: contribution))
    }

    /// The record of a partition's paradata.
    ///
    /// - Parameter paradata: The record; keyed `__paradata__/<partition>`.
    public init(_ paradata: PartitionParadata) {
        self.init(key: PartitionParadata.changelogKey(partition: paradata.partition), value: ChangelogJSON.encode(paradata))
    }

    /// Whether this is a partition paradata record (else a respondent record).
    public var isParadata: Bool { key.hasPrefix(PartitionParadata.keyPrefix) }
}
