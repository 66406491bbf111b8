import FieldTallyKafka
import SurveyEngine
import TallyWorker

/// What one batch of records changes in the store, written in one transaction with the batch's
/// offsets: the rows exist exactly when the offsets say their records were read.
public struct StoreChanges: Sendable {
    /// New `tally_series` rows, in change order.
    public var series: [TallyChange] = []
    /// The code rows of the newest document, replacing `current_tallies`; `nil` when no change.
    public var currentTallies: [TallyTableCSV.Row]?
    /// Partials newer than those stored, one per tally partition.
    public var partials: [PartialTally] = []
    /// Dead letters read.
    public var deadLetters: [StoredDeadLetter] = []
    /// The next offset to read per topic partition after the batch.
    public var offsets: [KafkaTopicPartitionOffset] = []
    /// Records of the tallies topic that were skipped: another form's, or not partial tallies.
    public var skipped = 0

    /// Nothing changed.
    public init() {}
}
