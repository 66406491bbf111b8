import Crdkafka
import Logging
import Synchronization

/// Reads topics without joining a consumer group (manual assignment, nothing
/// committed): whole topics from the beginning to their current end (a worker
/// restoring its state from a compacted changelog on start), or from positions the
/// caller keeps, following new records (a subscriber that stores its offsets itself).
public struct KafkaTopicReader: Sendable {
    /// The reader's settings.
    public var configuration: KafkaReaderConfiguration
    private let logger: Logger

    /// Creates a reader; it connects on each read.
    ///
    /// - Parameters:
    ///   - configuration: The brokers, client ID, timeouts and librdkafka properties for each read.
    ///   - logger: Receives the client's log messages. Default: a logger labelled
    ///     `fieldtally.kafka.reader`.
    public init(configuration: KafkaReaderConfiguration, logger: Logger = Logger(label: "fieldtally.kafka.reader")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Reads every partition of `topic` (or the given ones) from its oldest record to the end
    /// it had when reached, handing batches to `body` in partition order per partition.
    ///
    /// - Parameters:
    ///   - topic: the topic to read.
    ///   - partitions: the partitions to read; nil (the default) reads them all. Numbers the
    ///     topic does not have are ignored.
    ///   - body: receives each batch; the next batch is fetched while it runs.
    /// - Returns: the number of records read.
    /// - Throws: ``KafkaError`` when the topic does not exist or the brokers do not
    ///   answer within `requestTimeout`; or what `body` throws.
    public func readToEnd(
        topic: String,
        partitions: Set<Int>? = nil,
        _ body: (KafkaBatch) async throws -> Void
    ) async throws -> Int {
        try await read(topics: [topic], only: partitions, from: [], follow: false, stop: StopFlag(), body)
    }

    /// What ``follow(topic:_:)`` and ``follow(topics:from:_:)`` hand to their body.
    public enum FollowEvent: Sendable {
        /// Records, in order per partition.
        case batch(KafkaBatch)
        /// Every partition has been read to the end it had when reached, for the first time;
        /// `partitions` are the partition numbers read (of every topic followed). Batches after
        /// this are new records.
        case caughtUp(partitions: [Int])
    }

    /// Reads every partition of `topic` from its oldest record and keeps reading new records
    /// as they arrive, until `body` throws or the calling task is cancelled (then it returns).
    /// Nothing is committed; no consumer group is joined, so any number of readers may follow
    /// one topic. Partitions added after the start are not read.
    ///
    /// - Parameters:
    ///   - topic: the topic to follow.
    ///   - body: receives the batches, and ``FollowEvent/caughtUp(partitions:)`` once.
    /// - Throws: ``KafkaError`` when the topic does not exist or the brokers do not answer
    ///   within `requestTimeout`; or what `body` throws.
    public func follow(topic: String, _ body: (FollowEvent) async throws -> Void) async throws {
        try await follow(topics: [topic], from: [], body)
    }

    /// Reads every partition of `topics` from the given positions (a partition without one
    /// from its oldest record) and keeps reading new records as they arrive, until `body`
    /// throws or the calling task is cancelled (then it returns). Nothing is committed: a
    /// caller that keeps its own positions (a database, written in the same transaction as
    /// the rows the records produced) passes them back here on its next start and so reads
    /// each record once. Partitions added after the start are not read.
    ///
    /// - Parameters:
    ///   - topics: the topics to follow; their partitions are looked up once, on start.
    ///   - positions: where to start, each the offset of the next record to read.
    ///   - body: receives the batches (each batch's `nextOffsets` are the positions after
    ///     it), and ``FollowEvent/caughtUp(partitions:)`` once.
    /// - Throws: ``KafkaError`` when a topic does not exist, the brokers do not answer within
    ///   `requestTimeout` or the client fails fatally (other fetch errors are logged and
    ///   retried by librdkafka); or what `body` throws.
    public func follow(
        topics: [String],
        from positions: [KafkaTopicPartitionOffset],
        _ body: (FollowEvent) async throws -> Void
    ) async throws {
        let stop = StopFlag()
        _ = try await read(topics: topics, only: nil, from: positions, follow: true, stop: stop) { batch in
            // An empty batch is the drain's "caught up" marker.
            try await body(batch.isEmpty ? .caughtUp(partitions: stop.partitions.withLock { $0 }) : .batch(batch))
        }
    }

    private func read(
        topics: [String],
        only: Set<Int>?,
        from positions: [KafkaTopicPartitionOffset],
        follow: Bool,
        stop: StopFlag,
        _ body: (KafkaBatch) async throws -> Void
    ) async throws -> Int {
        let configuration = configuration
        let description =
            "reader \(configuration.clientID) of \(topics.map { "'\($0)'" }.joined(separator: ", ")) "
            + "(brokers \(configuration.bootstrapServers.joined(separator: ",")))"
        let (_, continuation) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(1))
        let client = try RDKafkaClient(
            kind: .consumer,
            properties: configuration.librdkafkaProperties,
            callbacks: RDKafkaCallbacks(clientDescription: description, logger: logger, events: continuation)
        )
        let channel = BatchChannel(capacity: configuration.batching.bufferedBatches)
        let thread = DedicatedThread(name: "kafka-reader") {
            channel.finish(
                Self.drain(
                    topics: topics,
                    only: only,
                    positions: positions,
                    follow: follow,
                    client: client,
                    channel: channel,
                    configuration: configuration,
                    stop: stop
                )
            )
        }
        var count = 0
        do {
            while let batch = try await channel.next() {
                count += batch.count
                try await body(batch)
            }
        } catch {
            stop.flag.store(true, ordering: .releasing)
            await thread.join()
            throw error
        }
        // Ended by the reader thread (at the end, or failing), or by cancellation.
        stop.flag.store(true, ordering: .releasing)
        await thread.join()
        return count
    }

    private final class StopFlag: Sendable {
        let flag = Atomic<Bool>(false)
        /// The partitions read, once known (for ``FollowEvent/caughtUp(partitions:)``).
        let partitions = Mutex<[Int]>([])
    }

    /// Runs on the reader thread; returns the error that ended it, if any. Reading to the end
    /// stops once every partition has reported its end; following puts an empty batch then
    /// (the caught-up marker) and goes on until stopped.
    private static func drain(
        topics: [String],
        only: Set<Int>?,
        positions: [KafkaTopicPartitionOffset],
        follow: Bool,
        client: RDKafkaClient,
        channel: BatchChannel,
        configuration: KafkaReaderConfiguration,
        stop: StopFlag
    ) -> KafkaError? {
        let rk = client.pointer
        let timeout = configuration.requestTimeout.timeoutMilliseconds
        // The end is found by end-of-partition events, not by asking for watermarks:
        // some brokers (Tansu 0.x) answer ListOffsets(latest) with the wrong offset.
        var pending: Set<KafkaTopicPartition> = []
        var handles: [(topic: RDKafkaTopic, partitions: [Int])] = []
        do {
            for topic in topics {
                let partitions = try client.partitions(of: topic, timeoutMilliseconds: timeout).filter { only?.contains($0) ?? true }
                handles.append((try RDKafkaTopic(client: client, name: topic), partitions))
                pending.formUnion(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
            }
        } catch {
            return error
        }
        stop.partitions.withLock { $0 = handles.flatMap(\.partitions) }
        var caughtUp = false
        // The simple (legacy) consumer API, as kcat uses: no group coordinator
        // involved, every partition fetched into one queue from where it starts.
        guard let queue = rd_kafka_queue_new(rk) else {
            return KafkaError(code: .state, message: "\(client.callbacks.clientDescription): could not create a queue")
        }
        defer { rd_kafka_queue_destroy(queue) }
        // Holding the handles here keeps them alive until every partition is stopped.
        var started: [(topic: RDKafkaTopic, partition: Int32)] = []
        defer { for (topic, partition) in started { rd_kafka_consume_stop(topic.pointer, partition) } }
        var starts: [KafkaTopicPartition: Int64] = [:]
        for position in positions { starts[position.topicPartition] = position.offset }
        for (topic, partitions) in handles {
            for partition in partitions {
                let offset = starts[KafkaTopicPartition(topic: topic.name, partition: partition)] ?? fieldtally_offset_beginning
                if rd_kafka_consume_start_queue(topic.pointer, Int32(partition), offset, queue) == -1 {
                    return KafkaError(
                        rd_kafka_last_error(),
                        "\(client.callbacks.clientDescription): start reading \(topic.name)[\(partition)] at \(offset)"
                    )
                }
                started.append((topic, Int32(partition)))
            }
        }
        let capacity = max(1, configuration.batching.maxRecords)
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let batcher = MessageBatcher(clientDescription: client.callbacks.clientDescription)
        let wait = configuration.batching.maxWait.timeoutMilliseconds
        let shouldStop = { stop.flag.load(ordering: .acquiring) }
        while (follow || !pending.isEmpty) && !shouldStop() {
            let count = rd_kafka_consume_batch_queue(queue, wait, buffer, capacity)
            if count < 0 { return KafkaError(rd_kafka_last_error(), "\(client.callbacks.clientDescription): consume") }
            guard count > 0 else { continue }
            let output = batcher.convert(buffer, count: count)
            if follow {
                // A follower outlives broker restarts: librdkafka retries on its own, so errors
                // are reported and reading goes on, unless the client cannot go on.
                for error in output.errors {
                    client.callbacks.logger.warning("\(error.message)")
                    client.callbacks.recordError(error)
                }
                if let fatal = client.callbacks.fatal { return fatal }
            } else if let error = output.errors.first {
                return error
            }
            for end in output.endsOfPartition { pending.remove(end.topicPartition) }
            if !output.batch.isEmpty, !channel.put(output.batch, shouldStop: shouldStop) {
                return nil
            }
            if follow, pending.isEmpty, !caughtUp {
                caughtUp = true
                if !channel.put(KafkaBatch(records: [], nextOffsets: []), shouldStop: shouldStop) { return nil }
            }
        }
        return nil
    }
}
