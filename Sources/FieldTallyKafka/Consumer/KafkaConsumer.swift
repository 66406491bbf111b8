import Crdkafka
import Logging
import Synchronization

/// A consumer-group member that hands out batches of records, at least once.
///
/// A dedicated thread fetches with `rd_kafka_consume_batch_queue` and hands
/// whole batches to ``nextBatch()`` (or ``batches``), a few ahead at most.
/// Nothing is committed until the caller says a batch is done with
/// ``storeOffsets(for:)`` (committed in the background every
/// `autoCommitInterval`, before revocation and on close) or ``commit(_:)``.
///
/// Rebalances are handled in librdkafka's rebalance callback on the consumer
/// thread: on revocation, unclaimed buffered records of the revoked partitions
/// are dropped, `onRebalance(.revoking)` runs (flush and store offsets there),
/// stored offsets are committed synchronously, then the partitions are released;
/// on assignment, `onRebalance(.assigned)` runs after the assignment took effect.
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: .init(bootstrapServers: servers, groupID: "g", topics: ["t"]))
/// for try await batch in consumer.batches {
///     process(batch.records)
///     try await consumer.commit(batch)
/// }
/// ```
public final class KafkaConsumer: Sendable {
    private final class Signals: Sendable {
        let stopRequested = Atomic<Bool>(false)
        var shouldStop: Bool { stopRequested.load(ordering: .acquiring) }
    }

    /// Statistics and background errors (see ``KafkaClientEvent``).
    public let events: AsyncStream<KafkaClientEvent>
    /// The configuration this consumer was created with.
    public let configuration: KafkaConsumerConfiguration

    let client: RDKafkaClient
    private let channel: BatchChannel
    private let signals = Signals()
    private let thread: DedicatedThread
    private let blocking: BlockingExecutor
    private let closed = Atomic<Bool>(false)

    /// Joins the group (in the background) and starts fetching.
    ///
    /// Returns once subscribed: joining the group and the first assignment happen later on the consumer
    /// thread, so the first batch may take up to a session timeout or more to arrive.
    ///
    /// - Parameters:
    ///   - configuration: Brokers, group id, topics, batching and group timeouts; its `additionalProperties` go to
    ///     librdkafka verbatim and override the typed settings.
    ///   - onRebalance: Called synchronously on the consumer thread
    ///     before partitions are revoked and after they are assigned; it may block
    ///     (e.g. to flush state and store offsets), which delays the rebalance. Unclaimed buffered records of revoked
    ///     partitions are dropped before it runs. Default: nil.
    ///   - logger: Receives librdkafka's log lines, rebalances and background errors. Default: a logger labelled
    ///     `fieldtally.kafka.consumer`.
    /// - Throws: ``KafkaError/Code/invalidConfiguration`` for a property librdkafka
    ///   rejected, or the subscription error.
    public init(
        configuration: KafkaConsumerConfiguration,
        onRebalance: (@Sendable (KafkaRebalanceEvent) -> Void)? = nil,
        logger: Logger = Logger(label: "fieldtally.kafka.consumer")
    ) throws(KafkaError) {
        self.configuration = configuration
        let (events, continuation) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(256))
        self.events = events
        let description =
            "consumer \(configuration.clientID) of group '\(configuration.groupID)' "
            + "(brokers \(configuration.bootstrapServers.joined(separator: ",")))"
        let channel = BatchChannel(capacity: configuration.batching.bufferedBatches)
        self.channel = channel
        let rebalance = Self.rebalanceHandler(
            channel: channel,
            onRebalance: onRebalance,
            description: description,
            logger: logger,
            commitsStoredOffsets: true
        )
        let callbacks = RDKafkaCallbacks(clientDescription: description, logger: logger, events: continuation, rebalance: rebalance)
        do {
            client = try RDKafkaClient(kind: .consumer, properties: configuration.librdkafkaProperties, callbacks: callbacks)
        } catch {
            continuation.finish()
            throw error
        }
        let rk = client.pointer
        rd_kafka_poll_set_consumer(rk)  // callbacks are served by the consumer thread's batch calls
        let subscription = RDKafkaTopicPartitionList(
            configuration.topics.map { KafkaTopicPartitionOffset(topic: $0, partition: Int(fieldtally_partition_unassigned), offset: 0) }
        )
        try KafkaError.check(
            rd_kafka_subscribe(rk, subscription.pointer),
            "\(description): subscribe to \(configuration.topics)"
        )
        blocking = BlockingExecutor(label: "fieldtally.kafka.consumer.blocking")
        thread = Self.startConsumerThread(
            client: client,
            channel: channel,
            signals: signals,
            batching: configuration.batching,
            description: description,
            logger: logger
        )
    }

    deinit {
        // The thread commits stored offsets, leaves the group and releases the client.
        signals.stopRequested.store(true, ordering: .releasing)
    }

    private static func startConsumerThread(
        client: RDKafkaClient,
        channel: BatchChannel,
        signals: Signals,
        batching: KafkaConsumerConfiguration.Batching,
        description: String,
        logger: Logger
    ) -> DedicatedThread {
        DedicatedThread(name: "kafka-consumer") {
            let rk = client.pointer
            let queue = rd_kafka_queue_get_consumer(rk)
            let capacity = max(1, batching.maxRecords)
            let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
            defer { buffer.deallocate() }
            let batcher = MessageBatcher(clientDescription: description)
            let wait = batching.maxWait.timeoutMilliseconds
            var failure: KafkaError?
            while !signals.shouldStop {
                let count = rd_kafka_consume_batch_queue(queue, wait, buffer, capacity)
                if count < 0 {
                    failure = KafkaError(rd_kafka_last_error(), "\(description): consume")
                    break
                }
                if let fatal = client.callbacks.fatal {
                    failure = fatal
                }
                guard count > 0 else {
                    if failure != nil { break }
                    continue
                }
                let output = batcher.convert(buffer, count: count)
                for error in output.errors {
                    logger.warning("\(error.message)")
                    client.callbacks.recordError(error)
                }
                if failure != nil { break }
                if !output.batch.isEmpty, !channel.put(output.batch, shouldStop: { signals.shouldStop }) { break }
            }
            if let queue { rd_kafka_queue_destroy(queue) }
            // Leaving: commit what was stored, then close, which revokes (running
            // the rebalance handler on this thread) and leaves the group.
            if failure == nil {
                let err = rd_kafka_commit(rk, nil, 0)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                    logger.warning("\(KafkaError(err, "\(description): commit on close").message)")
                }
            }
            let err = rd_kafka_consumer_close(rk)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("\(KafkaError(err, "\(description): close").message)")
            }
            channel.finish(failure)
        }
    }

    /// The rebalance callback's Swift side, run on the consumer thread.
    static func rebalanceHandler(
        channel: BatchChannel,
        onRebalance: (@Sendable (KafkaRebalanceEvent) -> Void)?,
        description: String,
        logger: Logger,
        commitsStoredOffsets: Bool
    ) -> RDKafkaCallbacks.RebalanceHandler {
        { rk, code, list in
            let partitions = RDKafkaTopicPartitionList.offsets(of: list).map(\.topicPartition)
            let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
            switch code {
            case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
                if cooperative {
                    if let error = rd_kafka_incremental_assign(rk, list) {
                        logger.error("\(KafkaError(consuming: error, "\(description): assign \(partitions)").message)")
                    }
                } else {
                    let err = rd_kafka_assign(rk, list)
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                        logger.error("\(KafkaError(err, "\(description): assign \(partitions)").message)")
                    }
                }
                logger.info("assigned \(partitions)", metadata: ["kafka.client": "\(description)"])
                onRebalance?(.assigned(partitions))
            case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
                channel.drop(Set(partitions))
                onRebalance?(.revoking(partitions))
                if commitsStoredOffsets && rd_kafka_assignment_lost(rk) == 0 {
                    let err = rd_kafka_commit(rk, nil, 0)
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                        logger.warning("\(KafkaError(err, "\(description): commit before revoking \(partitions)").message)")
                    }
                }
                if cooperative {
                    if let error = rd_kafka_incremental_unassign(rk, list) {
                        logger.error("\(KafkaError(consuming: error, "\(description): unassign \(partitions)").message)")
                    }
                } else {
                    rd_kafka_assign(rk, nil)
                }
                logger.info("revoked \(partitions)", metadata: ["kafka.client": "\(description)"])
            default:
                logger.error("\(KafkaError(code, "\(description): rebalance").message)")
                rd_kafka_assign(rk, nil)
            }
        }
    }

    /// The next batch of records; suspends until one is fetched. Returns nil after
    /// ``close()`` (or when the calling task is cancelled while waiting).
    ///
    /// Call it from one task at a time.
    /// - Throws: the fatal ``KafkaError`` that stopped the consumer.
    public func nextBatch() async throws(KafkaError) -> KafkaBatch? {
        try await channel.next()
    }

    /// The batches as an async sequence; ends after ``close()``.
    public var batches: KafkaBatches { KafkaBatches(consumer: self) }

    /// Marks `batch` done: its offsets will be committed by the next background,
    /// explicit, revocation or close commit. Cheap and non-blocking.
    ///
    /// - Parameter batch: A batch from this consumer; its ``KafkaBatch/nextOffsets`` are stored.
    /// - Returns: partitions whose offsets were not stored because they are no
    ///   longer assigned (their records go to their new owner; nothing is lost).
    /// - Throws: ``KafkaError/Code/closed`` after ``close()``; ``KafkaError`` for any other failure.
    @discardableResult
    public func storeOffsets(for batch: KafkaBatch) throws(KafkaError) -> [KafkaTopicPartition] {
        try storeOffsets(batch.nextOffsets)
    }

    /// Stores positions to commit (each the offset of the next record to read);
    /// see ``storeOffsets(for:)``.
    ///
    /// - Parameter offsets: For each partition, the offset of the next record to read (the last processed offset + 1).
    ///   An empty list does nothing, even after ``close()``.
    /// - Returns: Partitions that are no longer assigned to this member, whose offsets were skipped.
    /// - Throws: ``KafkaError/Code/closed`` after ``close()``; otherwise the first per-partition error librdkafka reported.
    @discardableResult
    public func storeOffsets(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) -> [KafkaTopicPartition] {
        guard !offsets.isEmpty else { return [] }
        try checkOpen("store offsets")
        let list = RDKafkaTopicPartitionList(offsets)
        let err = rd_kafka_offsets_store(client.pointer, list.pointer)
        var skipped: [KafkaTopicPartition] = []
        for index in 0..<Int(list.pointer.pointee.cnt) {
            let element = list.pointer.pointee.elems[index]
            switch element.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR: continue
            case RD_KAFKA_RESP_ERR__STATE, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
                skipped.append(KafkaTopicPartition(topic: String(cString: element.topic), partition: Int(element.partition)))
            default:
                throw KafkaError(
                    element.err,
                    "\(client.callbacks.clientDescription): store offset \(element.offset) for "
                        + "\(String(cString: element.topic))[\(element.partition)]"
                )
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && skipped.isEmpty {
            throw KafkaError(err, "\(client.callbacks.clientDescription): store offsets \(offsets)")
        }
        return skipped
    }

    /// Stores `batch`'s offsets and commits every stored offset synchronously (on a
    /// dedicated thread).
    ///
    /// - Parameter batch: A batch from this consumer whose records are fully processed.
    /// - Throws: ``KafkaError`` when the commit failed; the offsets stay stored
    ///   and are retried by the next commit.
    public func commit(_ batch: KafkaBatch) async throws(KafkaError) {
        try storeOffsets(for: batch)
        try await commit()
    }

    /// Commits every stored offset synchronously (on a dedicated thread); does
    /// nothing when nothing new is stored.
    public func commit() async throws(KafkaError) {
        try checkOpen("commit")
        let client = client
        try await blocking.run { () throws(KafkaError) in
            let err = rd_kafka_commit(client.pointer, nil, 0)
            if err == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
            try KafkaError.check(err, "\(client.callbacks.clientDescription): commit")
        }
    }

    /// The group's committed offsets for `partitions`, asking the group coordinator.
    ///
    /// - Parameters:
    ///   - partitions: Partitions of any topic; they need not be assigned to this member.
    ///   - timeout: Longest wait for the coordinator, clamped to librdkafka's `int` milliseconds. Default: 10 s.
    /// - Returns: One position per partition, in order: the offset of the next record the group will read, or
    ///   -1001 (librdkafka's `RD_KAFKA_OFFSET_INVALID`) where the group has committed nothing.
    /// - Throws: ``KafkaError/Code/closed`` after ``close()``; `timed_out` or the coordinator's error otherwise.
    public func committedOffsets(
        for partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError)
        -> [KafkaTopicPartitionOffset]
    {
        try checkOpen("read committed offsets")
        let client = client
        return try await blocking.run { () throws(KafkaError) in
            let list = RDKafkaTopicPartitionList(
                partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: fieldtally_offset_invalid) }
            )
            try KafkaError.check(
                rd_kafka_committed(client.pointer, list.pointer, timeout.timeoutMilliseconds),
                "\(client.callbacks.clientDescription): committed offsets of \(partitions)"
            )
            return RDKafkaTopicPartitionList.offsets(of: list.pointer)
        }
    }

    /// Partitions currently assigned to this member.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        try checkOpen("read assignment")
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try KafkaError.check(rd_kafka_assignment(client.pointer, &list), "\(client.callbacks.clientDescription): assignment")
        guard let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RDKafkaTopicPartitionList.offsets(of: list).map(\.topicPartition)
    }

    /// Stops fetching from `partitions` until ``resume(_:)``. Up to
    /// `bufferedBatches` already fetched batches may still contain their records.
    ///
    /// - Parameter partitions: Partitions assigned to this member; a rebalance that revokes and reassigns them
    ///   clears the pause.
    /// - Throws: ``KafkaError/Code/closed`` after ``close()``, or the first partition's error (e.g. not assigned).
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try checkOpen("pause")
        let list = RDKafkaTopicPartitionList(partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 0) })
        try KafkaError.check(rd_kafka_pause_partitions(client.pointer, list.pointer), "\(client.callbacks.clientDescription): pause \(partitions)")
        if let (partition, err) = RDKafkaTopicPartitionList.firstError(of: list.pointer) {
            throw KafkaError(err, "\(client.callbacks.clientDescription): pause \(partition)")
        }
    }

    /// Resumes fetching from paused `partitions` where it stopped.
    ///
    /// - Parameter partitions: Partitions paused with ``pause(_:)``; resuming one that is not paused does nothing.
    /// - Throws: ``KafkaError/Code/closed`` after ``close()``, or the first partition's error.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try checkOpen("resume")
        let list = RDKafkaTopicPartitionList(partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 0) })
        try KafkaError.check(rd_kafka_resume_partitions(client.pointer, list.pointer), "\(client.callbacks.clientDescription): resume \(partitions)")
        if let (partition, err) = RDKafkaTopicPartitionList.firstError(of: list.pointer) {
            throw KafkaError(err, "\(client.callbacks.clientDescription): resume \(partition)")
        }
    }

    /// Commits stored offsets, revokes (calling `onRebalance(.revoking)`), leaves
    /// the group and stops the consumer thread; ``nextBatch()`` then returns nil.
    /// Store the offsets of processed batches before calling it. A static member
    /// (`groupInstanceID`) keeps its partitions until its session times out.
    public func close() async {
        signals.stopRequested.store(true, ordering: .releasing)
        closed.store(true, ordering: .releasing)
        await thread.join()
    }

    /// The consumer group metadata, for ``KafkaProducer/sendOffsetsToTransaction(_:consumer:timeout:)``.
    func groupMetadata() throws(KafkaError) -> RDKafkaGroupMetadata {
        try checkOpen("read group metadata")
        guard let metadata = rd_kafka_consumer_group_metadata(client.pointer) else {
            throw KafkaError(code: .state, message: "\(client.callbacks.clientDescription): no consumer group metadata")
        }
        return RDKafkaGroupMetadata(metadata)
    }

    private func checkOpen(_ operation: String) throws(KafkaError) {
        if closed.load(ordering: .acquiring) || thread.isFinished {
            throw KafkaError.closed("\(client.callbacks.clientDescription): \(operation)")
        }
    }
}
