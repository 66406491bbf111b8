import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker

/// The records a pipeline publishes for a stream of messages, made in process without Kafka, for
/// the store's tests and benchmark: the messages spread over `partitions` by key (as the topics
/// do), each partition's aggregator publishing a partial on the tallies topic after every
/// `snapshotEvery`-th message it counts, and a dead letter on the dead-letter topic for every
/// rejection. Like a real pipeline after restarts, with ``Options/republishEvery`` some partials
/// are published twice and some dead letters re-sent, and ``Options/junkAt`` puts a record on the
/// tallies topic that is not a partial at all.
public struct PublishedTallies: Sendable {
    /// How the records are made.
    public struct Options: Sendable {
        /// Partitions of both topics. Default: 3.
        public var partitions = 3
        /// A partition publishes a partial after every N-th message it counts. Default: 1.
        public var snapshotEvery = 1
        /// Every N-th partial and dead letter is published twice. Default: `nil` (never).
        public var republishEvery: Int? = nil
        /// After this message, a record that is not a partial goes to the tallies topic. Default: `nil`.
        public var junkAt: Int? = nil
        /// Topic names. Default: the pipeline's.
        public var topics = WorkerConfiguration.Topics()

        /// The defaults.
        public init() {}
    }

    /// Every record, in the order a reader reads them (offsets counting per topic partition).
    public let records: [KafkaRecord]
    /// The merged tally of every partition's last snapshot.
    public let merged: PartialTally
    /// Distinct snapshots published (a re-publication counted once): the changes a store keeps.
    public let snapshots: Int
    /// Distinct rejections (a re-sent dead letter counted once).
    public let rejections: Int
    /// The options the records were made with.
    public let options: Options

    /// Validates, codes and aggregates `messages` with `survey` as the workers do, and makes the records.
    ///
    /// Each message goes to a partition by a hash of its key (a message without a key to partition 0),
    /// and its offset on `survey.submissions` is its index in `messages`. After the last message, each
    /// partition that counted messages since its last partial publishes one more.
    ///
    /// - Parameters:
    ///   - messages: The submissions, in the order they are published.
    ///   - survey: The plan, frame, validator and coder to count with.
    ///   - options: Partitions, snapshot frequency, re-publication, junk and topic names. Default: ``Options/init()``.
    /// - Throws: When a dead letter cannot be encoded or the partials cannot be merged.
    public init(messages: [KeyedMessage], survey: SurveyDefinition, options: Options = Options()) throws {
        self.options = options
        let topics = options.topics
        let partitions = max(1, options.partitions)
        var aggregators = (0..<partitions).map { Aggregator(plan: survey.plan, frame: survey.frame, partition: $0) }
        var counted = Array(repeating: 0, count: partitions)
        var countedAtLastSnapshot = Array(repeating: 0, count: partitions)
        var nextOffset: [String: Int64] = [:]
        var records: [KafkaRecord] = []
        func publish(_ topic: String, _ partition: Int, key: [UInt8]?, value: [UInt8]) {
            let slot = "\(topic)/\(partition)"
            records.append(KafkaRecord(topic: topic, partition: partition, offset: nextOffset[slot, default: 0], key: key, value: value))
            nextOffset[slot, default: 0] += 1
        }
        var snapshots = 0
        var rejections = 0
        let encoder = JSONEncoder()
        for (index, message) in messages.enumerated() {
            let partition = (message.key ?? []).reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % partitions
            let outcome: Outcome
            let worker: String
            switch survey.validator.validate(message.value) {
            case .rejected(let rejection):
                outcome = aggregators[partition].recordUpstreamRejection(rejection)
                worker = "tally-validate"
            case .valid(let submission):
                outcome = aggregators[partition].apply(CodedSubmission(submission: submission, coding: survey.coder.code(submission: submission)))
                worker = "tally-aggregate"
            }
            if case .rejected(let rejection, let detail) = outcome {
                let letter = DeadLetter(
                    rejection: rejection,
                    detail: detail,
                    worker: worker,
                    source: KafkaTopicPartitionOffset(topic: topics.submissions, partition: partition, offset: Int64(index)),
                    key: message.key,
                    value: message.value
                )
                let bytes = Array(try encoder.encode(letter))
                publish(topics.rejected, partition, key: message.key, value: bytes)
                rejections += 1
                if let every = options.republishEvery, rejections % every == 0 {
                    publish(topics.rejected, partition, key: message.key, value: bytes)
                }
            }
            counted[partition] += 1
            let key = Array("\(survey.plan.formId)/\(partition)".utf8)
            if counted[partition] % max(1, options.snapshotEvery) == 0 {
                let asOf = String(format: "2018-05-01T%02d:%02d:%02dZ", index / 3600 % 24, index / 60 % 60, index % 60)
                let snapshot = Array(aggregators[partition].snapshot(asOf: asOf).encoded())
                publish(topics.tallies, partition, key: key, value: snapshot)
                snapshots += 1
                countedAtLastSnapshot[partition] = counted[partition]
                if let every = options.republishEvery, snapshots % every == 0 { publish(topics.tallies, partition, key: key, value: snapshot) }
            }
            if index == options.junkAt { publish(topics.tallies, partition, key: key, value: Array("not a tally".utf8)) }
        }
        // A partition that counted messages since its last snapshot publishes its final state too.
        for partition in 0..<partitions where counted[partition] != countedAtLastSnapshot[partition] {
            let snapshot = Array(aggregators[partition].snapshot(asOf: "2018-05-02T00:00:00Z").encoded())
            publish(topics.tallies, partition, key: Array("\(survey.plan.formId)/\(partition)".utf8), value: snapshot)
            snapshots += 1
        }
        self.records = records
        self.snapshots = snapshots
        self.rejections = rejections
        merged = try PartialTally.merge(aggregators.map { $0.snapshot() }, formId: survey.plan.formId)
    }

    /// The records from `positions` on (a partition without a position from its first record),
    /// cut into batches of `sizes` records (a random size each), as a reader resuming there hands them out.
    ///
    /// - Parameters:
    ///   - positions: The next offset to read per topic partition, as a store keeps them. Default: none,
    ///     so every record.
    ///   - sizes: The range each batch's record count is drawn from; the last batch may be smaller.
    ///     Its lower bound should be at least 1.
    ///   - random: The generator the sizes are drawn with (a seeded one makes the batches repeatable).
    /// - Returns: The batches in record order, each with the next offset of every partition it holds;
    ///   empty when nothing is left to read.
    public func batches(
        from positions: [KafkaTopicPartitionOffset] = [],
        sizes: ClosedRange<Int>,
        using random: inout some RandomNumberGenerator
    ) -> [KafkaBatch] {
        var start: [KafkaTopicPartition: Int64] = [:]
        for position in positions { start[position.topicPartition] = position.offset }
        let unread = records.filter { $0.offset >= start[$0.topicPartition, default: 0] }
        var batches: [KafkaBatch] = []
        var index = 0
        while index < unread.count {
            let size = Int.random(in: sizes, using: &random)
            let slice = Array(unread[index..<min(index + size, unread.count)])
            var next: [KafkaTopicPartition: Int64] = [:]
            for record in slice { next[record.topicPartition] = record.offset + 1 }
            batches.append(
                KafkaBatch(
                    records: slice,
                    nextOffsets: next.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
                        .map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
                )
            )
            index += size
        }
        return batches
    }
}
