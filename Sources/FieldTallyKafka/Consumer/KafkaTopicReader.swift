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
        let configuration = configuration
        let description = "reader \(configuration.clientID) of topic '\(topic)' (brokers \(configuration.bootstrapServers.joined(separator: ",")))"
        let (_, continuation) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(1))
        let client = try RDKafkaClient(
            kind: .consumer, properties: configuration.librdkafkaProperties,
            callbacks: RDKafkaCallbacks(clientDescription: description, logger: logger, events: continuation))
        let channel = BatchChannel(capacity: configuration.batching.bufferedBatches)
        let stop = StopFlag()
        let thread = DedicatedThread(name: "kafka-reader") {
            channel.finish(Self.drain(topic: topic, client: client, channel: channel, configuration: configuration, stop: stop))
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
        await thread.join()
        return count
    }

    private final class StopFlag: Sendable {
        let flag = Atomic<Bool>(false)
    }

    /// Runs on the reader thread; returns the error that ended it, if any.
    private static func drain(
        topic: String, client: RDKafkaClient, channel: BatchChannel, configuration: KafkaReaderConfiguration, stop: StopFlag
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
        while !pending.isEmpty && !stop.flag.load(ordering: .acquiring) {
            let count = rd_kafka_consume_batch_queue(queue, wait, buffer, capacity)
            if count < 0 { return KafkaError(rd_kafka_last_error(), "\(client.callbacks.clientDescription): consume") }
            guard count > 0 else { continue }
            let output = batcher.convert(buffer, count: count)
            if let error = output.errors.first { return error }
            for end in output.endsOfPartition { pending.remove(end.partition) }
            if !output.batch.isEmpty, !channel.put(output.batch, shouldStop: { stop.flag.load(ordering: .acquiring) }) {
                return nil
            }
        }
        return nil
    }
}
