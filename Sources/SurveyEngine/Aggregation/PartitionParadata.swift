/// The per-partition paradata that belongs to no respondent record: messages rejected by an
/// earlier stage (invalid, unknown respondent) and respondents outside the frame. One
/// changelog record per partition, key `__paradata__/<partition>`.
///
/// Kept exact under replay like a respondent record: each message changes only this record,
/// and `applied` holds the last applied offset per input stream; offsets at or below it are
/// skipped.
public struct PartitionParadata: Sendable, Hashable, Codable {
    /// The partition this record belongs to.
    public var partition: Int
    /// Counts of the messages recorded here.
    public var paradata: ParadataCounts
    /// Last applied input offset per stream.
    public var applied: [String: Int64]

    /// An empty record for `partition`.
    ///
    /// - Parameter partition: The input partition the record belongs to.
    public init(partition: Int) {
        self.partition = partition
        self.paradata = ParadataCounts()
        self.applied = [:]
    }

    /// The changelog key of partition `partition`'s record: `__paradata__/<partition>`.
    ///
    /// - Parameter partition: The input partition, e.g. 3 gives `__paradata__/3`.
    public static func changelogKey(partition: Int) -> String { keyPrefix + String(partition) }

    /// The prefix of paradata keys; respondent ids never start with it.
    public static let keyPrefix = "__paradata__/"

    /// Whether the message at `position` is already reflected in this record.
    ///
    /// - Parameter position: Where the message was read; nil (no replay tracking) is never applied.
    /// - Returns: True when its offset is at or below the last one applied from its stream.
    public func hasApplied(_ position: InputPosition?) -> Bool {
        guard let position, let last = applied[position.stream] else { return false }
        return position.offset <= last
    }
}
