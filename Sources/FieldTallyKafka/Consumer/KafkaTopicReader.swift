import Crdkafka
import Logging
import Synchronization

/// Reads whole topics from the beginning to their current end without joining a
/// consumer group (manual assignment, nothing committed): for example a
/// worker restoring its state from a compacted changelog on start.
public struct KafkaTopicReader: Sendable {
    /// The reader's settings.
    public var configuration: KafkaReaderConfiguration
    private let logger: Logger

    /// Creates a reader; it connects on each read.
    ///
    /// - Parameters:
    ///   - configuration: Brokers, batching and the request timeout used for metadata.
    ///   - logger: Receives librdkafka's log lines for each read. Default: a logger labelled `fieldtally.kafka.reader`.
    public init(configuration: KafkaReaderConfiguration, logger: Logger = Logger(label: "fieldtally.kafka.reader")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Reads every partition of `topic` from its oldest record to the end it had
    /// when reached, handing batches to `body` in partition order per partition.
    ///
    /// Each call creates its own librdkafka client and releases it before returning, also when `body` throws.
    /// The end of a partition is its end-of-partition event, not a watermark asked for in advance.
    ///
    /// - Parameters:
    ///   - topic: The topic to read; every partition it has at the start of the read.
    ///   - body: Called with each batch in turn, never concurrently; the next batch is fetched while it runs
    ///     (up to `bufferedBatches` ahead). Throwing stops the read.
    /// - Returns: the number of records read; 0 for an empty topic.
    /// - Throws: ``KafkaError`` when the topic does not exist or the brokers do not
    ///   answer within `requestTimeout`; or what `body` throws.
    public func readToEnd(
        topic: String, _ body: (KafkaBatch) async throws -> Void
    ) async throws -> Int {
        var count = 0
        try await read(topic: topic, follow: false) { batch, _ in
            count += batch.count
            try await body(batch)
        }
        return count
    }

    /// What ``follow(topic:_:)`` hands to its body.
    public enum FollowEvent: Sendable {
        /// Records, in order per partition.
        case batch(KafkaBatch)
        /// Every partition has been read to the end it had when reached, for the first time;
        /// `partitions` are the topic's partitions. Batches after this are new records.
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
        try await read(topic: topic, follow: true) { batch, stop in
            // An empty batch is the drain's "caught up" marker.
            try await body(batch.isEmpty ? .caughtUp(partitions: stop.partitions.withLock { $0 }) : .batch(batch))
        }
    }

    /// Connects, reads on a dedicated thread and hands each batch to `body` until the thread
    /// finishes (read to the end), `body` throws, or the task is cancelled; the thread is
    /// stopped and joined before returning.
    private func read(topic: String, follow: Bool, _ body: (KafkaBatch, StopFlag) async throws -> Void) async throws {
        let configuration = configuration
        let role = follow ? "follower" : "reader"
        let description = "\(role) \(configuration.clientID) of topic '\(topic)' (brokers \(configuration.bootstrapServers.joined(separator: ",")))"
        let (_, continuation) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(1))
        let client = try RDKafkaClient(
            kind: .consumer, properties: configuration.librdkafkaProperties,
            callbacks: RDKafkaCallbacks(clientDescription: description, logger: logger, events: continuation))
        let channel = BatchChannel(capacity: configuration.batching.bufferedBatches)
        let stop = StopFlag()
        let thread = DedicatedThread(name: "kafka-\(role)") {
            channel.finish(Self.drain(topic: topic, client: client, channel: channel, configuration: configuration, stop: stop, follow: follow))
        }
        do {
            while let batch = try await channel.next() { try await body(batch, stop) }
        } catch {
            stop.flag.store(true, ordering: .releasing)
            await thread.join()
            throw error
        }
        stop.flag.store(true, ordering: .releasing)
        await thread.join()
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
        topic: String, client: RDKafkaClient, channel: BatchChannel, configuration: KafkaReaderConfiguration, stop: StopFlag,
        follow: Bool
    ) -> KafkaError? {
        let rk = client.pointer
        let timeout = configuration.requestTimeout.timeoutMilliseconds
        // The end is found by end-of-partition events, not by asking for watermarks:
        // some brokers (Tansu 0.x) answer ListOffsets(latest) with the wrong offset.
        let partitions: [Int]
        do {
            partitions = try client.partitions(of: topic, timeoutMilliseconds: timeout)
        } catch {
            return error
        }
        var pending = Set(partitions)
        stop.partitions.withLock { $0 = partitions }
        var caughtUp = false
        // The simple (legacy) consumer API, as kcat uses: no group coordinator
        // involved, every partition fetched into one queue from its beginning.
        guard let queue = rd_kafka_queue_new(rk) else {
            return KafkaError(code: .state, message: "\(client.callbacks.clientDescription): could not create a queue")
        }
        defer { rd_kafka_queue_destroy(queue) }
        let topicHandle: RDKafkaTopic
        do {
            topicHandle = try RDKafkaTopic(client: client, name: topic)
        } catch {
            return error
        }
        var started: [Int32] = []
        defer { for partition in started { rd_kafka_consume_stop(topicHandle.pointer, partition) } }
        for partition in partitions {
            if rd_kafka_consume_start_queue(topicHandle.pointer, Int32(partition), fieldtally_offset_beginning, queue) == -1 {
                return KafkaError(rd_kafka_last_error(), "\(client.callbacks.clientDescription): start reading \(topic)[\(partition)]")
            }
            started.append(Int32(partition))
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
            if let error = output.errors.first { return error }
            for end in output.endsOfPartition { pending.remove(end.partition) }
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
