import Crdkafka
import Logging
import Synchronization

/// Sends records to Kafka and reports where the broker stored them.
///
/// Every send returns only after the broker acknowledged the record (or it
/// failed). Idempotence is on by default. A dedicated thread serves librdkafka's
/// delivery reports; a batch of records costs one suspension and one
/// continuation, however large. When librdkafka's local queue is full, sends
/// wait for room (back-pressure) up to `enqueueTimeout`, then fail with
/// ``KafkaError/Code/queueFull``.
///
/// ```swift
/// let producer = try KafkaProducer(configuration: .init(bootstrapServers: ["127.0.0.1:9092"]))
/// let report = try await producer.send(KafkaProducerRecord(topic: "t", key: "k", value: "v"))
/// try await producer.close()
/// ```
public final class KafkaProducer: Sendable {
    private struct Lifecycle {
        enum Phase {
            case open
            case closing
            case closed
        }

        var phase = Phase.open
        /// Calls inside `enqueue`: close waits for them, so no record is enqueued
        /// after the poll thread stopped serving delivery reports.
        var enqueuers = 0
    }

    /// Statistics and background errors (see ``KafkaClientEvent``).
    public let events: AsyncStream<KafkaClientEvent>
    /// The configuration this producer was created with.
    public let configuration: KafkaProducerConfiguration

    let client: RDKafkaClient
    let blocking: BlockingExecutor
    private let pollLoop: ProducerPollLoop
    private let topics = Lock<[String: RDKafkaTopic]>([:])
    private let lifecycle = Lock(Lifecycle())
    private let logger: Logger

    /// Creates a producer and starts its poll thread.
    ///
    /// No broker is contacted here: the producer connects on its first send, so an unreachable broker shows up as
    /// delivery failures (after ``KafkaProducerConfiguration/deliveryTimeout``) and on ``events``, not as an error here.
    ///
    /// - Parameters:
    ///   - configuration: Brokers, idempotence, batching and timeouts; its `additionalProperties` are passed to
    ///     librdkafka verbatim and override the typed settings.
    ///   - logger: Receives librdkafka's log lines and background errors, prefixed with the client id and brokers.
    ///     Default: a logger labelled `fieldtally.kafka.producer`.
    /// - Throws: ``KafkaError/Code/invalidConfiguration`` naming a property librdkafka rejected.
    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "fieldtally.kafka.producer")) throws(KafkaError) {
        self.configuration = configuration
        self.logger = logger
        let (events, continuation) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(256))
        self.events = events
        let description = "producer \(configuration.clientID) (brokers \(configuration.bootstrapServers.joined(separator: ",")))"
        let callbacks = RDKafkaCallbacks(clientDescription: description, logger: logger, events: continuation)
        do {
            client = try RDKafkaClient(kind: .producer, properties: configuration.librdkafkaProperties, callbacks: callbacks)
        } catch {
            continuation.finish()
            throw error
        }
        blocking = BlockingExecutor(label: "fieldtally.kafka.producer.blocking")
        pollLoop = ProducerPollLoop(client: client, name: "kafka-producer-poll")
    }

    deinit {
        // The poll thread purges what is left (failing its awaiters) and releases the client.
        pollLoop.stop()
    }

    /// Sends one record and returns where the broker stored it.
    ///
    /// Suspends until the broker acknowledged the record (with ``KafkaProducerConfiguration/Acks/all``, every in-sync
    /// replica) or its delivery failed; while librdkafka's local queue is full it first waits up to
    /// ``KafkaProducerConfiguration/enqueueTimeout`` for room.
    ///
    /// - Parameter record: The record to send; with no explicit partition, its key picks one (nil key: any partition).
    /// - Returns: The partition and offset the broker stored the record at (offset -1 with `acks=0`).
    /// - Throws: ``KafkaError`` when the record was not delivered within
    ///   `deliveryTimeout` (`msg_timed_out`, with the last broker error),
    ///   the queue stayed full (`queue_full`), the producer is closed (`closed`)
    ///   or hit a fatal error (`fatal`).
    public func send(_ record: KafkaProducerRecord) async throws(KafkaError) -> KafkaDeliveryReport {
        try await enqueue(CollectionOfOne(record)).reports()[0]
    }

    /// Sends one record built from its parts; see ``send(_:)``.
    ///
    /// - Parameters:
    ///   - topic: Destination topic; it must exist unless the broker creates topics automatically.
    ///   - key: Key bytes; records with the same key go to the same partition. nil sends no key.
    ///   - value: Value bytes; nil sends a tombstone (deletes the key in a compacted topic).
    ///   - headers: Headers, in order; a name may repeat. Default: none.
    ///   - partition: Explicit partition number, from 0; nil lets librdkafka's partitioner hash the key. Default: nil.
    /// - Returns: The partition and offset the broker stored the record at.
    /// - Throws: As ``send(_:)``.
    public func send(
        topic: String,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        partition: Int? = nil
    ) async throws(KafkaError) -> KafkaDeliveryReport {
        try await send(KafkaProducerRecord(topic: topic, key: key, value: value, headers: headers, partition: partition))
    }

    /// Sends many records with one suspension and returns their reports in order.
    ///
    /// All records are enqueued before any acknowledgement is awaited, so they are
    /// batched into few broker requests.
    ///
    /// - Parameter records: The records to send, in order; records for one partition keep that order. May be empty.
    /// - Returns: One report per record, in the order of `records`.
    /// - Throws: the first record's ``KafkaError`` when any record failed (its
    ///   message counts the failures); use ``sendAllResults(_:)`` for per-record outcomes.
    public func sendAll(_ records: some Collection<KafkaProducerRecord>) async throws(KafkaError) -> [KafkaDeliveryReport] {
        try await enqueue(records).reports()
    }

    /// Sends many records and returns every record's outcome, failures included.
    ///
    /// Unlike ``sendAll(_:)``, one failed record does not hide the others' reports: a caller can retry or
    /// dead-letter exactly the records that failed.
    ///
    /// - Parameter records: The records to send, in order. May be empty.
    /// - Returns: One result per record, in the order of `records`: its report or the ``KafkaError`` it failed with.
    /// - Throws: only when nothing could be enqueued: the producer is closed or failed fatally.
    public func sendAllResults(_ records: some Collection<KafkaProducerRecord>) async throws(KafkaError) -> [KafkaDeliveryResult] {
        try await enqueue(records).results()
    }

    /// Enqueues records now and returns a handle to await their acknowledgements
    /// later, so several batches can be in flight at once.
    ///
    /// Suspends only while the local queue is full. Records that cannot be
    /// enqueued (queue still full at `enqueueTimeout`, unknown partition…) fail in
    /// the returned delivery rather than here. The enqueue deadline is shared by the whole call: once it passes,
    /// that record and every later one fail with ``KafkaError/Code/queueFull``.
    ///
    /// - Parameter records: The records to enqueue, in order. May be empty (the delivery completes at once).
    /// - Returns: A pending delivery whose `reports()` or `results()` waits for every record's outcome.
    /// - Throws: ``KafkaError/Code/closed`` or ``KafkaError/Code/fatal`` before enqueueing anything.
    public func enqueue(_ records: some Collection<KafkaProducerRecord>) async throws(KafkaError) -> KafkaPendingDelivery {
        let entered = lifecycle.withLock { state -> Bool in
            guard case .open = state.phase else { return false }
            state.enqueuers += 1
            return true
        }
        guard entered else { throw KafkaError.closed("\(client.callbacks.clientDescription): send") }
        defer { lifecycle.withLock { $0.enqueuers -= 1 } }
        if let fatal = client.callbacks.fatal { throw fatal }
        let tracker = DeliveryTracker(count: records.count)
        let rk = client.pointer
        var deadline: ContinuousClock.Instant?
        var topic: RDKafkaTopic?
        var index = 0
        var iterator = records.makeIterator()
        while let record = iterator.next() {
            defer { index += 1 }
            if topic?.name != record.topic {
                do {
                    topic = try topicHandle(record.topic)
                } catch {
                    tracker.fail(CollectionOfOne(index), error)
                    continue
                }
            }
            let rkt = topic!.pointer
            let partition = record.partition.map { Int32(clamping: $0) } ?? fieldtally_partition_unassigned
            let opaque = tracker.opaque(for: index)
            while true {
                let err = Self.produce(rk: rk, rkt: rkt, partition: partition, record: record, opaque: opaque)
                if err == RD_KAFKA_RESP_ERR_NO_ERROR { break }
                if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                    let now = ContinuousClock.now
                    if deadline == nil { deadline = now + configuration.enqueueTimeout }
                    if now < deadline! {
                        await pollLoop.waitForProgress()
                        continue
                    }
                    let error = KafkaError(
                        code: .queueFull,
                        message: "\(client.callbacks.clientDescription): send to topic '\(record.topic)': the local queue "
                            + "(\(configuration.batching.maxQueuedRecords) records) stayed full for "
                            + "\(configuration.enqueueTimeout); the broker is not keeping up or unreachable",
                        isRetriable: true
                    )
                    // Give up on this record and all after it: the deadline is shared.
                    tracker.fail(index..<records.count, error)
                    return KafkaPendingDelivery(tracker: tracker)
                }
                var error = KafkaError(err, "\(client.callbacks.clientDescription): enqueue to topic '\(record.topic)'")
                if let fatal = client.callbacks.fatal { error = fatal }
                tracker.fail(CollectionOfOne(index), error)
                break
            }
        }
        return KafkaPendingDelivery(tracker: tracker)
    }

    /// Enqueues one record; librdkafka copies key, value and takes the headers.
    private static func produce(
        rk: OpaquePointer,
        rkt: OpaquePointer,
        partition: Int32,
        record: KafkaProducerRecord,
        opaque: UnsafeMutableRawPointer?
    ) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer?
        if !record.headers.isEmpty {
            headers = rd_kafka_headers_new(record.headers.count)
            for header in record.headers {
                if let value = header.value {
                    value.withUnsafeBytes { bytes in
                        _ = rd_kafka_header_add(headers, header.key, -1, bytes.baseAddress, bytes.count)
                    }
                } else {
                    _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
                }
            }
        }
        let err = withBytes(of: record.key) { key in
            withBytes(of: record.value) { value in
                fieldtally_produce(
                    rk,
                    rkt,
                    partition,
                    key.baseAddress,
                    key.count,
                    value.baseAddress,
                    value.count,
                    headers,
                    opaque
                )
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let headers { rd_kafka_headers_destroy(headers) }
        return err
    }

    /// Waits until every enqueued record has been acknowledged or failed.
    ///
    /// Runs on the producer's blocking executor, not the cooperative pool. Records still outstanding at
    /// `timeout` stay queued; their sends keep waiting.
    ///
    /// - Parameter timeout: Longest wait, clamped to librdkafka's `int` milliseconds. Default: 30 s.
    /// - Throws: ``KafkaError/Code/timedOut`` when records are still outstanding at `timeout`; the message counts them.
    public func flush(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        let client = client
        try await blocking.run { () throws(KafkaError) in
            try KafkaError.check(
                rd_kafka_flush(client.pointer, timeout.timeoutMilliseconds),
                "\(client.callbacks.clientDescription): flush (\(rd_kafka_outq_len(client.pointer)) records outstanding after \(timeout))"
            )
        }
    }

    /// Flushes outstanding records for up to `timeout`, then stops the poll thread;
    /// records still outstanding fail with a purge error. Later sends throw
    /// ``KafkaError/Code/closed``. Calling it again does nothing.
    ///
    /// Sends already enqueueing when `close` starts finish enqueueing first (each bounded by `enqueueTimeout`).
    /// A flush that times out is logged as a warning, not thrown.
    ///
    /// - Parameter timeout: Longest wait for the flush. Default: 30 s.
    public func close(timeout: Duration = .seconds(30)) async {
        let proceed = lifecycle.withLock { state -> Bool in
            guard case .open = state.phase else { return false }
            state.phase = .closing
            return true
        }
        guard proceed else { return }
        // Sends already inside `enqueue` finish enqueueing (bounded by enqueueTimeout).
        while lifecycle.withLock({ $0.enqueuers }) > 0 {
            await pollLoop.waitForProgress()
        }
        do {
            try await flush(timeout: timeout)
        } catch {
            logger.warning("\(error.message); purging what is left")
        }
        pollLoop.stop()
        await pollLoop.join()
        topics.withLock { $0.removeAll() }
        lifecycle.withLock { $0.phase = .closed }
    }

    /// The fatal error that stopped this producer, if any.
    public var fatalError: KafkaError? { client.callbacks.fatal }

    func checkUsable(_ operation: String) throws(KafkaError) {
        let phase = lifecycle.withLock { $0.phase }
        guard case .open = phase else { throw KafkaError.closed("\(client.callbacks.clientDescription): \(operation)") }
        if let fatal = client.callbacks.fatal { throw fatal }
    }

    private func topicHandle(_ name: String) throws(KafkaError) -> RDKafkaTopic {
        try topics.withLock { (topics: inout [String: RDKafkaTopic]) throws(KafkaError) -> RDKafkaTopic in
            if let topic = topics[name] { return topic }
            let topic = try RDKafkaTopic(client: client, name: name)
            topics[name] = topic
            return topic
        }
    }
}

/// Calls `body` with the bytes of `array`, or an empty buffer with a nil base for nil.
@inline(__always)
private func withBytes<R>(of array: [UInt8]?, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    guard let array else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    return array.withUnsafeBytes(body)
}
