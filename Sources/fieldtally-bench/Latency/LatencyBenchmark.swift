import ArgumentParser
import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine
import Synchronization
import TallyWorker

/// `fieldtally-bench latency`: a steady stream of submissions through the three workers; for
/// each, the time from its produce call to the first published partial tally that counts it.
///
/// "Counts it" is exact per partition: the input holds only submissions the validator accepts,
/// so every one reaches the aggregator through the coded topic in its partition's offset order,
/// and a partial of partition p whose sequence (messages counted) is at least k counts the
/// first k submissions of partition p (the aggregator's partition p reads submissions
/// partition p, the same key hashing to the same partition count).
struct LatencyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Steady submissions/s through the three workers; p50/p99/p99.9 from produce to the published tally that counts each."
    )

    @Option(help: "Submissions per second.")
    var rate = 1_000

    @Option(help: "Seconds of steady input.")
    var seconds = 30

    @Option(help: "Leading seconds left out of the percentiles (caches and connections warming up).")
    var warmup = 2

    @OptionGroup var input: InputOptions
    @OptionGroup var kafka: BrokerOptions
    @OptionGroup var launch: WorkerLaunchOptions

    @Option(
        name: .customLong("producer-property"),
        help: "librdkafka property KEY=VALUE for the submitting producer (repeatable; default linger.ms=\(Self.submitterLinger))."
    )
    var producerProperties: [String] = []

    /// The submitting producer's `linger.ms` unless `--producer-property` sets it: 25 ms, as a
    /// submissions gateway would batch. Tansu's fetch lists every batch a partition holds, so
    /// one small batch every 5 ms (librdkafka's default) makes each fetch slower as the run goes
    /// on: at 1,000/s for 30 s, p99 370 ms with 5 ms, 244 ms with 10 ms, 132 ms with 25 ms.
    static let submitterLinger = 25

    @Option(
        help:
            "Write one line per submission (seconds since the first send, partition, then ms to valid, coded, changelog and published) to this file."
    )
    var dump: String?

    func run() async throws {
        let loadAtStart = MachineLoad.now()
        let count = rate * seconds
        // Generated input holds rejected messages too (the sample's mix); a quarter more leaves enough valid ones.
        let generated = try input.load(generating: count + count / 4 + 200)
        let partitions = kafka.partitions
        let survey = try SurveyDefinition(directory: generated.schemas)
        let messages = Array(generated.messages.lazy.filter { survey.validator.validate($0.value).submission != nil }.prefix(count))
        guard messages.count == count else { throw BenchError("the input has \(messages.count) valid submissions; \(count) needed") }

        let broker = try await kafka.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-latency-\(getpid())")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let bench = WorkerBench(
            broker: broker,
            servers: servers,
            schemas: generated.schemas,
            formId: survey.instrument.formId,
            bin: WorkerBinaries.directory(launch.binDir),
            logs: logs,
            kcat: Kcat(executable: kafka.kcat),
            extraFlags: launch.workerFlags
        )
        let topics = PipelineTopics(prefix: broker.uniqueName("bench-latency"), partitions: partitions)
        try await BenchBroker.createTopics(topics.all, partitions: partitions, on: broker)
        Console.line(
            "latency benchmark: \(Figure.count(count)) valid submissions (mean \(Figure.count(Double(messages.reduce(0) { $0 + $1.value.count }) / Double(count))) B) at \(rate)/s for \(seconds) s; \(partitions) partitions; brokers \(servers); logs in \(logs.path)"
        )
        Console.line("start: \(loadAtStart)")

        var workers: [WorkerProcess] = []
        let tail = TallyTail()
        do {
            for name in ["tally-validate", "tally-code", "tally-aggregate"] { workers.append(try bench.launch(name, topics: topics)) }
            for worker in workers { try await worker.waitUntilReady() }
            try await tail.start(topic: topics.tallies, broker: broker)
            let cpuAtStart = workers.map(\.cpuSeconds)

            // Steady input: message i is handed to the producer at start + i / rate.
            var configuration = broker.producerConfiguration()
            configuration.additionalProperties = try KafkaPropertyList.parse(producerProperties, what: "--producer-property")
            let linger = configuration.additionalProperties["linger.ms", default: String(Self.submitterLinger)]
            configuration.additionalProperties["linger.ms"] = linger
            let producer = try KafkaProducer(configuration: configuration)
            var sentAt: [Date] = []
            sentAt.reserveCapacity(count)
            var pending: [KafkaPendingDelivery] = []
            pending.reserveCapacity(count)
            let interval = Duration.seconds(1) / rate
            let clock = ContinuousClock()
            let start = clock.now
            var late = Duration.zero
            for (i, message) in messages.enumerated() {
                let due = start + interval * i
                if clock.now < due { try await clock.sleep(until: due) } else { late = max(late, clock.now - due) }
                sentAt.append(Date())
                pending.append(
                    try await producer.enqueue(
                        CollectionOfOne(
                            KafkaProducerRecord(topic: topics.submissions, key: message.key, value: message.value)
                        )
                    )
                )
            }
            let sendSeconds = (clock.now - start).seconds
            var positions: [(partition: Int, offset: Int64)] = []
            for delivery in pending {
                guard let report = try await delivery.reports().first else { throw BenchError("a submission was not acknowledged") }
                positions.append((report.partition, report.offset))
            }
            await producer.close()

            var timeline = TallyTimeline()
            let deadline = ContinuousClock.now + .seconds(120)
            repeat {
                try await Task.sleep(for: .milliseconds(500))
                timeline = try await TallyTimeline.read(topics.tallies, formId: bench.formId, brokers: broker.bootstrapServers)
            } while timeline.received < count && ContinuousClock.now < deadline
            guard timeline.received == count else { throw BenchError("partials count \(timeline.received) of \(count) submissions") }
            let cpu = zip(workers, cpuAtStart).map { ($0.name, ($0.cpuSeconds ?? 0) - ($1 ?? 0)) }
            var batches: [String] = []
            for worker in workers {
                let m = (try? await worker.metrics()) ?? [:]
                let count = m["tally_batch_seconds_count"] ?? 0
                let sum = m["tally_batch_seconds_sum"] ?? 0
                batches.append("\(worker.name) \(Figure.count(count)) (mean \(Figure.fixed(count > 0 ? sum / count * 1000 : 0, 1)) ms)")
            }
            let seen = await tail.stop()
            for worker in workers { await worker.stop() }

            // Hops: the produce time of each message's copy in the valid and coded topics.
            let validAt = try await Self.forwardTimes(topics.valid, broker: broker)
            let codedAt = try await Self.forwardTimes(topics.coded, broker: broker)
            var changelogAt: [String: [Int64]] = [:]
            _ = try await TopicScan.read(topics.changelog, brokers: broker.bootstrapServers) { record in
                guard let key = record.keyString, let ts = record.timestampMilliseconds else { return }
                changelogAt[key, default: []].append(ts)
            }

            var firstOffset: [Int: Int64] = [:]
            for position in positions { firstOffset[position.partition] = min(firstOffset[position.partition] ?? .max, position.offset) }
            var published: [Double] = []
            var observed: [Double] = []
            var hopValidate: [Double] = []
            var hopCode: [Double] = []
            var hopAggregate: [Double] = []
            var hopState: [Double] = []
            var hopPublish: [Double] = []
            let skip = warmup * rate
            var lines: [String] = []
            let firstSent = sentAt.first?.timeIntervalSince1970 ?? 0
            for (i, position) in positions.enumerated() where i >= skip {
                let rank = UInt64(position.offset - firstOffset[position.partition]! + 1)
                let sent = sentAt[i].timeIntervalSince1970 * 1000
                guard let at = timeline.firstTime(partition: position.partition, reaching: rank) else {
                    throw BenchError("no partial of partition \(position.partition) reached \(rank)")
                }
                published.append(Double(at) - sent)
                if let seenAt = seen.firstTime(partition: position.partition, reaching: rank) { observed.append(seenAt - sent) }
                let key = "\(topics.submissions)/\(position.partition)/\(position.offset)"
                if let v = validAt[key], let c = codedAt[key] {
                    hopValidate.append(Double(v) - sent)
                    hopCode.append(Double(c - v))
                    hopAggregate.append(Double(at - c))
                    let respondent = messages[i].key.map { String(decoding: $0, as: UTF8.self) } ?? ""
                    let written = changelogAt[respondent]?.first(where: { $0 >= c })
                    if let written {
                        hopState.append(Double(written - c))
                        hopPublish.append(Double(at - written))
                    }
                    if dump != nil {
                        lines.append(
                            "\(Figure.fixed(sentAt[i].timeIntervalSince1970 - firstSent, 3)) \(position.partition) \(Double(v) - sent) \(Double(c) - sent) \(written.map { Double($0) - sent } ?? -1) \(Double(at) - sent)"
                        )
                    }
                }
            }

            if let dump { try lines.joined(separator: "\n").write(toFile: dump, atomically: true, encoding: .utf8) }
            var table = ResultTable(
                "\nlatency, \(Figure.count(published.count)) submissions after \(warmup) s warm-up (ms)",
                columns: ["measure", "p50", "p90", "p99", "p99.9", "max", "mean"]
            )
            func add(_ name: String, _ values: [Double]) {
                let p = Percentiles(values)
                table.add(
                    name,
                    Figure.fixed(p.at(0.5), 1),
                    Figure.fixed(p.at(0.9), 1),
                    Figure.fixed(p.at(0.99), 1),
                    Figure.fixed(p.at(0.999), 1),
                    Figure.fixed(p.largest, 1),
                    Figure.fixed(p.mean, 1)
                )
            }
            add("produce call → partial published", published)
            add("produce call → partial seen by a reader", observed)
            add("  hop: produce call → valid record produced", hopValidate)
            add("  hop: valid → coded record produced", hopCode)
            add("  hop: coded → partial published", hopAggregate)
            add("    coded → respondent's changelog record produced", hopState)
            add("    changelog record produced → partial published", hopPublish)
            let p99 = Percentiles(published).at(0.99)
            table.note("target p99 ≤ 200 ms (produce call → partial published): \(Figure.verdict(p99 <= 200)) (\(Figure.fixed(p99, 1)) ms)")
            table.note(
                "published = the partial's Kafka timestamp (the aggregator's produce call); seen = when this benchmark's consumer of the tallies topic (batch wait 5 ms) received it"
            )
            table.note(
                "times are wall clock: produce call taken here (µs), record timestamps from librdkafka (ms); hops from the valid/coded copies' timestamps (matched by the fieldtally-source header)"
            )
            table.note(
                "submitting producer: linger.ms=\(linger) (a gateway's batching; Tansu's fetch lists every batch a partition holds, so fewer, larger batches keep it fast)"
            )
            table.note(
                "sent \(Figure.count(count)) in \(Figure.fixed(sendSeconds)) s (\(Figure.count(Double(count) / sendSeconds))/s; latest send \(Figure.fixed(late.seconds * 1000, 1)) ms behind schedule)"
            )
            table.note("batches handled (consume → outputs acknowledged → offsets stored): " + batches.joined(separator: ", "))
            table.note("CPU per submission: " + cpu.map { "\($0.0) \(Figure.fixed($0.1 / Double(count) * 1e6, 1)) µs" }.joined(separator: ", "))
            table.print()
            Console.line("end: \(MachineLoad.now())")
        } catch {
            _ = await tail.stop()
            for worker in workers { await worker.stop() }
            throw error
        }
    }

    /// The produce time (record timestamp) of each record of `topic`, keyed by the source
    /// position header it carries.
    static func forwardTimes(_ topic: String, broker: TestBroker) async throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        _ = try await TopicScan.read(topic, brokers: broker.bootstrapServers) { record in
            guard let header = record.header(KafkaTopicPartitionOffset.sourceHeaderName)?.value, let ts = record.timestampMilliseconds else { return }
            times[String(decoding: header, as: UTF8.self)] = ts
        }
        return times
    }
}
