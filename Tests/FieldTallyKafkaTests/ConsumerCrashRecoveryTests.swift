import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import Testing

@Suite(.timeLimit(.minutes(2)))
struct ConsumerCrashRecoveryTests {
    static let recordCount = 6_000
    static let maxBatch = 100

    @Test func consumerKilledMidStreamResumesWithoutLosingRecords() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("crash", partitions: 3)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        _ = try await producer.sendAll(
            (0..<Self.recordCount).map {
                KafkaProducerRecord(topic: topic, key: "k\($0 % 97)", value: "r-\($0)")
            }
        )
        await producer.close()

        let probe = try BuildProducts.executable(named: "fieldtally-kafka-probe")
        let group = broker.uniqueName("crash-group")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(group).lines")
        defer { try? FileManager.default.removeItem(at: output) }
        let arguments = [broker.bootstrapServers.joined(separator: ","), topic, group, output.path, String(Self.maxBatch)]

        // First run: slowed down so the kill lands mid-stream.
        // 150 ms a batch: about 9 s for the whole stream, so the kill lands mid-stream even when a
        // sanitizer slows this test process down more than the probe.
        let first = try launch(probe, arguments + ["150"])
        try await waitUntil(timeout: .seconds(40), "the first probe to process a third of the records") {
            lines(of: output).count >= Self.recordCount / 3
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let linesAtKill = lines(of: output).count
        #expect(first.terminationReason == .uncaughtSignal)
        #expect(linesAtKill < Self.recordCount, "the probe finished before the kill; the test proves nothing")

        // Second run: resumes from the committed offsets.
        let second = try launch(probe, arguments + ["0"])
        defer {
            if second.isRunning {
                kill(second.processIdentifier, SIGKILL)
                second.waitUntilExit()
            }
        }
        try await waitUntil(timeout: .seconds(60), "the restarted probe to see every record") {
            Set(lines(of: output).map(\.value)).count >= Self.recordCount
        }
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()

        let processed = lines(of: output)
        let values = processed.map(\.value)
        #expect(Set(values) == Set((0..<Self.recordCount).map { "r-\($0)" }), "a record was lost")
        let duplicates = values.count - Set(values).count
        // Only the batch written but not yet committed at the kill comes again.
        #expect(duplicates <= Self.maxBatch, "\(duplicates) duplicates: more than the one batch in flight at the kill")
        let redelivered = Set(processed[linesAtKill...].map { "\($0.partition)/\($0.offset)" })
        let beforeKill = Set(processed[..<linesAtKill].map { "\($0.partition)/\($0.offset)" })
        #expect(redelivered.intersection(beforeKill).count == duplicates)
    }

    private func launch(_ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private struct Line {
        var partition: Int
        var offset: Int64
        var value: String
    }

    /// Complete lines of the probe's output.
    private func lines(of file: URL) -> [Line] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, let partition = Int(fields[0]), let offset = Int64(fields[1]) else { return nil }
            return Line(partition: partition, offset: offset, value: String(fields[2]))
        }
    }

    private func waitUntil(timeout: Duration, _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out after \(timeout) waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
