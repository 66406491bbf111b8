import FieldTallyKafka
import SurveyEngine

/// What the store holds for a restart: where to read from, and the partials to merge onto.
public struct StoreState: Sendable {
    /// The next offset to read per topic partition.
    public var offsets: [KafkaTopicPartitionOffset] = []
    /// The newest partial per tally partition.
    public var partials: [PartialTally] = []
    /// The number of the last change stored (0 for none).
    public var lastChange: Int64 = 0

    /// An empty store's state.
    public init() {}
}
