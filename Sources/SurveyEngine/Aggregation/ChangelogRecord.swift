import Foundation

/// One record for the aggregator's compacted changelog topic: `key` is a respondent id (value:
/// a `RespondentState`) or `__paradata__/<partition>` (value: a `PartitionParadata`); `value`
/// is JSON with sorted keys (written by `ChangelogJSON`, read with `JSONDecoder`). Records are
/// never deleted, so there are no tombstones.
public struct ChangelogRecord: Sendable, Hashable {
    /// The record key.
    public var key: String
    /// The JSON value.
    public var value: Data

    /// Wraps a key and value read back from the changelog.
    public init(key: String, value: Data) {
        self.key = key
        self.value = value
    }

    /// The record of a respondent's state.
    public init(_ state: RespondentState) {
        self.init(key: state.respondentId, value: ChangelogJSON.encode(state))
    }

    /// The record of a respondent's state, its contribution's fields written in `order` (the
    /// aggregator's plan, worked out once) instead of sorted per record.
    init(_ state: RespondentState, fieldOrder order: ChangelogJSON.FieldOrder) {
        self.init(key: state.respondentId, value: ChangelogJSON.encode(state, fieldOrder: order))
    }

    /// The record of a partition's paradata.
    public init(_ paradata: PartitionParadata) {
        self.init(key: PartitionParadata.changelogKey(partition: paradata.partition), value: ChangelogJSON.encode(paradata))
    }

    /// Whether this is a partition paradata record (else a respondent record).
    public var isParadata: Bool { key.hasPrefix(PartitionParadata.keyPrefix) }
}
