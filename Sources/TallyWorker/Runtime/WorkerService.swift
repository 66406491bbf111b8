import FieldTallyKafka
import Logging
import ServiceLifecycle

/// The loop every worker runs, as a `Service`: consume a batch → let the `RecordProcessor`
/// turn it into output → produce the output and await every acknowledgement (phase by phase)
/// → store the batch's offsets (committed in the background, before a revocation and on
/// close). Offsets are never stored before the output is acknowledged: at least once. The next
/// batch is processed while the previous one's output is delivered (deliveries stay one at a
/// time, in batch order), so the worker does not idle while the broker acknowledges.
///
/// On graceful shutdown (SIGTERM) it finishes the batches in hand, commits, leaves the group and
/// returns, all within `shutdownTimeout`; past it the process exits non-zero and the uncommitted
/// records are processed again by the next owner. Output that cannot be delivered is retried
/// with back-off (the worker reports not ready meanwhile) rather than skipped: nothing is lost.
public final class WorkerService: Service, Sendable {
    private let configuration: WorkerConfiguration
    private let processor: any RecordProcessor
    private let metrics: WorkerMetrics
    private let readiness: Readiness
    private let logger: Logger

    /// A service running `processor` with `configuration`'s brokers, group and properties, the
    /// consumer tuned and the topics checked by the processor itself.
    ///
    /// Nothing connects until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: The brokers, consumer group, topics, librdkafka properties and
    ///     `shutdownTimeout`.
    ///   - processor: Turns each batch of records into output and restores its state on assignment.
    ///   - metrics: Records in and out, rejections by reason, commit failures and batch durations.
    ///   - readiness: Marked not ready while waiting for an assignment, restoring, or retrying output.
    ///   - logger: The service's log.
    public init(
        configuration: WorkerConfiguration,
        processor: any RecordProcessor,
        metrics: WorkerMetrics,
        readiness: Readiness,
        logger: Logger
    ) {
        self.configuration = configuration
        self.processor = processor
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    /// Runs the loop until a graceful shutdown or an error. A graceful shutdown (SIGTERM or
    /// SIGINT) must end within `shutdownTimeout`: past it the process exits with
    /// ``WorkerExit/shutdownTimedOut`` (see ``ShutdownWatchdog``); once the loop has ended the
    /// bound no longer applies, so a host process (`tally replay`, a test) goes on.
    public func run() async throws {
        let watchdog = ShutdownWatchdog(timeout: configuration.shutdownTimeout, logger: logger)
        defer { watchdog.disarm() }
        try await withGracefulShutdownHandler {
            try await self.work()
        } onGracefulShutdown: {
            watchdog.arm(reason: "graceful shutdown requested (SIGTERM or SIGINT)")
        }
    }

    private func work() async throws {
        let gate = OwnershipGate()
        let processor = processor
        let logger = logger
        try await processor.checkTopics(logger: logger)
        var consumerConfiguration = configuration.consumerConfiguration(topics: processor.inputTopics)
        processor.tuneConsumer(&consumerConfiguration)
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration,
            onRebalance: { event in
                switch event {
                case .assigned(let partitions):
                    gate.assign(partitions)
                case .revoking(let partitions):
                    gate.revoke(partitions)
                    processor.release(partitions)
                    logger.info("released partitions", metadata: ["partitions": "\(partitions)"])
                }
            },
            logger: logger
        )
        let producer = try KafkaProducer(configuration: configuration.producerConfiguration(), logger: logger)
        let lag = LagReporter(configuration: configuration, metrics: metrics, logger: logger)
        readiness.markNotReady("waiting for a partition assignment")
        logger.info(
            "started",
            metadata: [
                "brokers": "\(configuration.brokers.joined(separator: ","))", "group": "\(configuration.group)",
                "topics": "\(processor.inputTopics)",
            ]
        )

        // Periodic output runs on every tick and right after each delivered batch, so a debounced
        // tally is published as soon as its changelog writes are acknowledged.
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.tick)
                    wake.yield()
                }
            }
            group.addTask { [self] in
                // Periodic work: debounced output, readiness and lag, until the loop below ends.
                var sinceLag = ContinuousClock.now
                for await _ in wakes {
                    if Task.isCancelled { break }
                    let records = await processor.periodicOutput()
                    if !records.isEmpty { await self.deliver([records], producer: producer) }
                    self.updateReadiness(gate)
                    if ContinuousClock.now - sinceLag > .seconds(5) {
                        sinceLag = .now
                        await lag.report(owned: gate.status.owned)
                    }
                }
            }
            // Pipelined: batch N+1 is processed while batch N's output is delivered. Deliveries
            // run one at a time in batch order, and each stores its offsets only once its own
            // output is acknowledged, so what is committed is exactly what was before.
            var delivering: Task<Void, Never>?
            do {
                while !Task.isShuttingDownGracefully {
                    let waitStart = ContinuousClock.now
                    let next = try await cancelWhenGracefulShutdown { try await consumer.nextBatch() }
                    guard let batch = next else { break }
                    let waited = ContinuousClock.now - waitStart
                    guard var processed = try await process(batch, gate: gate, before: &delivering) else { continue }
                    processed.waited = waited
                    processed.processed = ContinuousClock.now - processed.started
                    await delivering?.value
                    delivering = Task {
                        await self.deliver(processed, gate: gate, consumer: consumer, producer: producer, lag: lag)
                        wake.yield()
                    }
                }
            } catch {
                await delivering?.value
                throw error
            }
            await delivering?.value
            logger.info("stopping: finishing output and committing")
            let last = await processor.periodicOutput()
            if !last.isEmpty { await deliver([last], producer: producer) }
            do { try await consumer.commit() } catch {
                metrics.commitFailures.increment()
                logger.warning("final commit failed; uncommitted records will be processed again", metadata: ["error": "\(error)"])
            }
            await consumer.close()
            await producer.close()
            wake.finish()
            group.cancelAll()
        }
        readiness.markNotReady("stopped")
        logger.info("stopped")
    }

    /// How often periodic output (debounced tallies), readiness and lag are looked at when no
    /// batch is delivered.
    static let tick: Duration = .milliseconds(25)

    /// A batch processed and waiting for delivery.
    private struct Processed: Sendable {
        var records: [KafkaRecord]
        var output: BatchOutput
        var started: ContinuousClock.Instant
        /// How long the loop waited for this batch, and how long processing it took.
        var waited: Duration = .zero
        var processed: Duration = .zero
    }

    /// Admits and processes a batch; `nil` when none of its records is for an owned partition.
    /// Partitions that need preparing are prepared first, after the delivery in flight.
    private func process(_ batch: KafkaBatch, gate: OwnershipGate, before delivering: inout Task<Void, Never>?) async throws -> Processed? {
        let started = ContinuousClock.now
        let (records, unprepared) = gate.admit(batch.records)
        metrics.recordsIn.increment(by: Int64(batch.count))
        guard !records.isEmpty else {
            gate.finish()
            return nil
        }
        do {
            if !unprepared.isEmpty {
                await delivering?.value
                delivering = nil
                gate.preparing(unprepared)
                readiness.markNotReady("restoring \(unprepared)")
                try await processor.prepare(unprepared)
                gate.prepared(unprepared)
                logger.info("prepared partitions", metadata: ["partitions": "\(unprepared)"])
            }
            return Processed(records: records, output: try await processor.process(records), started: started)
        } catch {
            gate.finish()
            logger.error("processing failed; the batch will be read again", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Delivers a processed batch's output, then stores its offsets and ends it in the gate.
    private func deliver(
        _ batch: Processed,
        gate: OwnershipGate,
        consumer: KafkaConsumer,
        producer: KafkaProducer,
        lag: LagReporter
    ) async {
        defer { gate.finish() }
        let output = batch.output
        let deliveryStart = ContinuousClock.now
        await deliver(output.phases, producer: producer)
        logger.debug(
            "batch delivered",
            metadata: [
                "records": "\(batch.records.count)", "out": "\(output.outputCount)",
                "waited_ms": "\(batch.waited.wholeMilliseconds)", "process_ms": "\(batch.processed.wholeMilliseconds)",
                "deliver_ms": "\((ContinuousClock.now - deliveryStart).wholeMilliseconds)",
            ]
        )
        output.onDelivered?()
        var next: [KafkaTopicPartition: Int64] = [:]
        for record in batch.records { next[record.topicPartition] = max(next[record.topicPartition] ?? 0, record.offset + 1) }
        do {
            try consumer.storeOffsets(next.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) })
        } catch {
            metrics.commitFailures.increment()
            logger.warning("storing offsets failed; the records will be processed again", metadata: ["error": "\(error)"])
        }
        lag.processed(next)
        metrics.recordsOut.increment(by: Int64(output.outputCount))
        for (reason, n) in output.rejectedByReason { metrics.rejected(reason: reason, by: n) }
        metrics.batchSeconds.record((ContinuousClock.now - batch.started).seconds)
        updateReadiness(gate)
    }

    /// Produces phase after phase, each fully acknowledged before the next; retries failures
    /// with back-off until they are delivered (never drops a record).
    private func deliver(_ phases: [[KafkaProducerRecord]], producer: KafkaProducer) async {
        for phase in phases where !phase.isEmpty {
            var pending = phase
            var attempt = 0
            while !pending.isEmpty {
                let results: [KafkaDeliveryResult]
                do {
                    results = try await producer.sendAllResults(pending)
                } catch {
                    results = Array(repeating: .failure(error), count: pending.count)
                }
                var failed: [KafkaProducerRecord] = []
                var firstError: KafkaError?
                for (record, result) in zip(pending, results) {
                    if case .failure(let error) = result {
                        failed.append(record)
                        firstError = firstError ?? error
                    }
                }
                pending = failed
                if let firstError {
                    attempt += 1
                    readiness.markNotReady("output not acknowledged: \(firstError.message)")
                    logger.error(
                        "output not acknowledged; retrying",
                        metadata: [
                            "records": "\(failed.count)", "attempt": "\(attempt)", "error": "\(firstError.message)",
                        ]
                    )
                    try? await Task.sleep(for: .milliseconds(min(5_000, 100 << min(attempt, 6))))
                }
            }
        }
    }

    private func updateReadiness(_ gate: OwnershipGate) {
        let status = gate.status
        if !status.everAssigned {
            readiness.markNotReady("waiting for a partition assignment")
            metrics.ready.set(Int64(0))
        } else if !status.preparing.isEmpty {
            // Partitions are prepared when their first record comes (an idle partition needs
            // nothing), so only a restore in progress makes the worker unready.
            readiness.markNotReady("restoring \(status.preparing.count) partition(s)")
            metrics.ready.set(Int64(0))
        } else {
            readiness.markReady()
            metrics.ready.set(Int64(1))
        }
    }
}
