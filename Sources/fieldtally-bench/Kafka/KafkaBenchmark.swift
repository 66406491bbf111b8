import ArgumentParser
import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import TallyWorker

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

    @OptionGroup var kafka: BrokerOptions

    @Option(help: "Records per consumer batch.")
    var batch = 5_000

    @Option(help: "Rounds of each kcat/Swift comparison; the best round of each is reported.")
    var rounds = 3

    @Option(name: .customLong("consumer-property"), help: "librdkafka property KEY=VALUE for the Swift consumers (repeatable).")
    var consumerProperties: [String] = []

    @Option(name: .customLong("producer-property"), help: "librdkafka property KEY=VALUE for the Swift producer (repeatable).")
    var producerProperties: [String] = []

    func run() async throws {
        let partitions = kafka.partitions
        let producerProperties = try KafkaPropertyList.parse(producerProperties, what: "--producer-property")
        let consumerProperties = try KafkaPropertyList.parse(consumerProperties, what: "--consumer-property")
        let broker = try await kafka.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers.joined(separator: ",")
        print("kafka benchmark: \(messages) records of ~\(size) B, \(partitions) partitions, brokers \(servers)\(kafka.startedHereNote)")

        let data = BenchmarkData(count: messages, valueSize: size)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-\(getpid()).tsv")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        // Rounds alternate kcat and Swift on the same broker; the best round of each
        // counts, since other work on the machine only ever slows a round down.
        var kcatProduce: [Duration] = []
        var swiftProduce: [Duration] = []
        var kcatConsume: [Duration] = []
        var swiftRead: [Duration] = []
        var swiftTopic = ""
        for round in 1...rounds {
            // (c) producers: kcat -P, then Swift, each onto a fresh topic.
            let kcatTopic = try await broker.createTopic("bench-kcat-p", partitions: partitions)
            kcatProduce.append(
                try measure {
                    try runKcat(["-P", "-b", servers, "-t", kcatTopic, "-K", "\t", "-X", "enable.idempotence=true", "-l", file.path])
                }
            )
            swiftTopic = try await broker.createTopic("bench-swift-p", partitions: partitions)
            let records = data.records(topic: swiftTopic)
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers)
            producerConfiguration.additionalProperties = producerProperties
            let producer = try KafkaProducer(configuration: producerConfiguration)
            let produceStart = ContinuousClock.now
            let reports = try await producer.sendAll(records)
            swiftProduce.append(ContinuousClock.now - produceStart)
            await producer.close()
            precondition(reports.count == messages)

            // (a) kcat draining the topic the Swift producer wrote.
            kcatConsume.append(
                try measure {
                    try runKcat(["-C", "-e", "-q", "-b", servers, "-t", swiftTopic])
                }
            )
            // The same drain without a group: KafkaTopicReader, timed end to end like kcat.
            var readerConfiguration = KafkaReaderConfiguration(bootstrapServers: broker.bootstrapServers)
            readerConfiguration.batching.maxRecords = batch
            readerConfiguration.additionalProperties = consumerProperties
            let readerStart = ContinuousClock.now
            var readBytes = 0
            var firstBatchAt: ContinuousClock.Instant?
            let read = try await KafkaTopicReader(configuration: readerConfiguration).readToEnd(topic: swiftTopic) { batch in
                if firstBatchAt == nil { firstBatchAt = ContinuousClock.now }
                for record in batch.records { readBytes &+= record.value?.count ?? 0 }
            }
            swiftRead.append(ContinuousClock.now - readerStart)
            precondition(read == messages, "read \(read) of \(messages)")
            print(
                String(
                    format: "  round %d: produce kcat %.2f s, Swift %.2f s; drain kcat %.2f s, Swift reader %.2f s (first batch after %.2f s)",
                    round,
                    kcatProduce.last!.seconds,
                    swiftProduce.last!.seconds,
                    kcatConsume.last!.seconds,
                    swiftRead.last!.seconds,
                    ((firstBatchAt ?? readerStart) - readerStart).seconds
                )
            )
        }

        // (b) the Swift group consumer on the last Swift topic (join time reported apart).
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: broker.bootstrapServers,
            groupID: broker.uniqueName("bench-group"),
            topics: [swiftTopic]
        )
        TestBroker.applyShortGroupTimeouts(to: &consumerConfiguration)
        consumerConfiguration.batching.maxRecords = batch
        consumerConfiguration.additionalProperties = consumerProperties
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
        precondition(consumed >= messages, "consumed \(consumed) of \(messages)")

        func rate(_ count: Int, _ duration: Duration) -> Double { Double(count) / duration.seconds }
        func line(_ name: String, _ count: Int, _ duration: Duration, against: Duration? = nil, target: Double? = nil, note: String = "") {
            var text =
                "  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", rate(count, duration))) msg/s  \(String(format: "%6.2f", duration.seconds)) s"
            if let against {
                let ratio = against.seconds / duration.seconds * Double(count) / Double(messages)
                text += String(format: "   Swift/kcat %.2f", ratio)
                if let target { text += String(format: " (target ≥ %.1f: %@)", target, ratio >= target ? "met" : "NOT met") }
            }
            print(text + note)
        }
        print("best of \(rounds) round(s)")
        print("producer (idempotent, every delivery confirmed):")
        line("kcat -P", messages, kcatProduce.min()!)
        line("Swift KafkaProducer.sendAll", messages, swiftProduce.min()!, against: kcatProduce.min()!, target: 0.8)
        print("consumer (drain \(messages) records):")
        line("kcat -C -e -q > /dev/null", messages, kcatConsume.min()!)
        line(
            "Swift KafkaConsumer (group)",
            consumed,
            swiftConsume,
            against: kcatConsume.min()!,
            target: 1.0,
            note: String(format: "   [one run; + %.2f s group join excluded]", join.seconds)
        )
        line(
            "Swift KafkaTopicReader (no group)",
            messages,
            swiftRead.min()!,
            against: kcatConsume.min()!,
            target: 1.0,
            note: "   [end to end, like kcat]"
        )
        _ = bytes
    }

    private func measure(_ body: () throws -> Void) rethrows -> Duration {
        let start = ContinuousClock.now
        try body()
        return ContinuousClock.now - start
    }

    private func runKcat(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [kafka.kcat] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(kafka.kcat) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
    }
}
