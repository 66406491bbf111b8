import ArgumentParser
import FieldTallyKafka
import FieldTallyTestKit
import Foundation

/// `fieldtally-bench kafka`: the Swift producer and consumer against kcat on the
/// same data and broker.
struct KafkaBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Produce and consume N records with FieldTallyKafka and with kcat; print msg/s and Swift/kcat ratios."
    )

    @Option(help: "Records per run.")
    var messages = 200_000

    @Option(help: "Approximate value size in bytes.")
    var size = 2_000

    @Option(help: "Partitions of each benchmark topic.")
    var partitions = 4

    @Option(help: "Bootstrap servers of an existing cluster (default: start Tansu on a free port).")
    var brokers: String?

    @Option(help: "kcat executable.")
    var kcat = "kcat"

    @Option(help: "Records per consumer batch.")
    var batch = 5_000

    func run() async throws {
        let broker: TestBroker
        if let brokers {
            broker = TestBroker(external: brokers.split(separator: ",").map(String.init))
        } else {
            broker = try await TestBroker.start()
        }
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        print("kafka benchmark: \(messages) records of ~\(size) B, \(partitions) partitions, brokers \(servers)\(brokers == nil ? " (Tansu, started here)" : "")")

        let data = BenchmarkData(count: messages, valueSize: size)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-\(getpid()).tsv")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        // (c) producers: kcat -P, then Swift, each onto a fresh topic.
        let kcatTopic = try await broker.createTopic("bench-kcat-p", partitions: partitions)
        let kcatProduce = try measure {
            try runKcat(["-P", "-b", servers, "-t", kcatTopic, "-K", "\t", "-X", "enable.idempotence=true", "-l", file.path])
        }
        let swiftTopic = try await broker.createTopic("bench-swift-p", partitions: partitions)
        let records = data.records(topic: swiftTopic)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers))
        let swiftProduceStart = ContinuousClock.now
        let reports = try await producer.sendAll(records)
        let swiftProduce = ContinuousClock.now - swiftProduceStart
        await producer.close()
        precondition(reports.count == messages)

        // (a) kcat draining the topic the Swift producer wrote.
        let kcatConsume = try measure {
            try runKcat(["-C", "-e", "-q", "-b", servers, "-t", swiftTopic])
        }

        // (b) the Swift group consumer on the same topic (join time reported apart).
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServers, groupID: broker.uniqueName("bench-group"), topics: [swiftTopic])
        TestBroker.applyShortGroupTimeouts(to: &consumerConfiguration)
        consumerConfiguration.batching.maxRecords = batch
        let consumerStart = ContinuousClock.now
        let consumer = try KafkaConsumer(configuration: consumerConfiguration)
        var firstRecordAt: ContinuousClock.Instant?
        var consumed = 0
        var bytes = 0
        while consumed < messages, let next = try await consumer.nextBatch() {
            if firstRecordAt == nil { firstRecordAt = ContinuousClock.now }
            consumed += next.count
            for record in next.records { bytes &+= record.value?.count ?? 0 }
            try consumer.storeOffsets(for: next)
        }
        let consumerEnd = ContinuousClock.now
        await consumer.close()
        let join = (firstRecordAt ?? consumerEnd) - consumerStart
        let swiftConsume = consumerEnd - (firstRecordAt ?? consumerStart)

        // The same drain without a group: KafkaTopicReader, timed end to end like kcat.
        var readerConfiguration = KafkaReaderConfiguration(bootstrapServers: broker.bootstrapServers)
        readerConfiguration.batching.maxRecords = batch
        let readerStart = ContinuousClock.now
        var readBytes = 0
        let read = try await KafkaTopicReader(configuration: readerConfiguration).readToEnd(topic: swiftTopic) { batch in
            for record in batch.records { readBytes &+= record.value?.count ?? 0 }
        }
        let swiftRead = ContinuousClock.now - readerStart

        func rate(_ count: Int, _ duration: Duration) -> Double { Double(count) / duration.seconds }
        func line(_ name: String, _ count: Int, _ duration: Duration, against: Duration? = nil, target: Double? = nil, note: String = "") {
            var text = "  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", rate(count, duration))) msg/s  \(String(format: "%6.2f", duration.seconds)) s"
            if let against {
                let ratio = against.seconds / duration.seconds * Double(count) / Double(messages)
                text += String(format: "   Swift/kcat %.2f", ratio)
                if let target { text += String(format: " (target ≥ %.1f: %@)", target, ratio >= target ? "met" : "NOT met") }
            }
            print(text + note)
        }
        print("producer (idempotent, every delivery confirmed):")
        line("kcat -P", messages, kcatProduce)
        line("Swift KafkaProducer.sendAll", messages, swiftProduce, against: kcatProduce, target: 0.8)
        print("consumer (drain \(messages) records):")
        line("kcat -C -e -q > /dev/null", messages, kcatConsume)
        line("Swift KafkaConsumer (group)", consumed, swiftConsume, against: kcatConsume, target: 1.0, note: String(format: "   [+ %.2f s group join, excluded]", join.seconds))
        line("Swift KafkaTopicReader (no group)", read, swiftRead, against: kcatConsume, note: "   [end to end, like kcat]")
        precondition(consumed >= messages && read == messages, "consumed \(consumed), read \(read) of \(messages)")
        _ = (bytes, readBytes)
    }

    private func measure(_ body: () throws -> Void) rethrows -> Duration {
        let start = ContinuousClock.now
        try body()
        return ContinuousClock.now - start
    }

    private func runKcat(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [kcat] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(kcat) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
