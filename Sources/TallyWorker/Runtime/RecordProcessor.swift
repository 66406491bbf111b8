import FieldTallyKafka
import Logging

/// A worker's own work; the `WorkerService` runs the loop around it
/// (consume → process → produce and await acknowledgements → store offsets), processing the
/// next batch while the previous one is delivered.
///
/// A processor also says what its input needs from Kafka (`tuneConsumer(_:)`, `checkTopics(logger:)`):
/// the service applies both before it consumes, so every process that runs a processor (the
/// worker executables, `tally replay`) gets them.
public protocol RecordProcessor: AnyObject, Sendable {
    /// Topics the worker's consumer subscribes to.
    var inputTopics: [String] { get }

    /// Adjusts the worker's consumer configuration to what this processor's input needs (e.g.
    /// the partition assignment strategy). Called once, before the consumer is created.
    /// Default: no change (a processor of independent records takes any assignment).
    /// - Parameter configuration: the consumer configuration built from the worker's configuration.
    func tuneConsumer(_ configuration: inout KafkaConsumerConfiguration)

    /// Checks that the topics this processor reads and writes are laid out as it needs (e.g.
    /// co-partitioned). Called once, before the consumer is created. Default: nothing to check.
    /// - Parameter logger: for the admin connection's messages.
    /// - Throws: `WorkerError` saying what is wrong and what to do about it.
    func checkTopics(logger: Logger) async throws

    /// Makes `partitions` ready before any of their records is processed (e.g. restores state
    /// from a changelog). Called from the processing loop, never concurrently with `process`.
    /// - Parameter partitions: newly assigned input partitions whose first record has arrived.
    /// - Throws: when the state cannot be restored; the batch is then read again.
    func prepare(_ partitions: [KafkaTopicPartition]) async throws

    /// Forgets what is held for `partitions`, which are being revoked. Called on the consumer
    /// thread after any batch in flight has been fully produced and its offsets stored.
    /// - Parameter partitions: the input partitions this instance no longer owns.
    func release(_ partitions: [KafkaTopicPartition])

    /// Turns records into output. Must not throw for bad input: bad input is a dead letter.
    /// - Parameter records: a batch of input records of owned, prepared partitions, in offset order per partition.
    /// - Returns: the records to produce, phase by phase, and the counts for the metrics.
    /// - Throws: only for failures of the worker itself (the batch is then retried).
    func process(_ records: [KafkaRecord]) async throws -> BatchOutput

    /// Records to publish now that are not tied to an input batch (e.g. debounced tallies);
    /// called periodically by the service. Default: none.
    func periodicOutput() async -> [KafkaProducerRecord]
}

extension RecordProcessor {
    /// Leaves the consumer configuration as it is.
    /// - Parameter configuration: the consumer configuration, unchanged.
    public func tuneConsumer(_ configuration: inout KafkaConsumerConfiguration) {}
    /// Checks nothing: a processor of independent records runs on any topic layout.
    /// - Parameter logger: unused.
    public func checkTopics(logger: Logger) async throws {}
    /// Prepares nothing: a stateless processor needs nothing before its first record.
    /// - Parameter partitions: unused.
    public func prepare(_ partitions: [KafkaTopicPartition]) async throws {}
    /// Releases nothing: a stateless processor holds nothing per partition.
    /// - Parameter partitions: unused.
    public func release(_ partitions: [KafkaTopicPartition]) {}
    public func periodicOutput() async -> [KafkaProducerRecord] { [] }
}
