import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyWorker
import Testing

/// ARCHITECTURE.md: "`kill -9` of any worker at any moment, then restart: final tallies equal the
/// tallies computed offline from the same input. Nothing lost, nothing counted twice."
///
/// A synthetic stream (the sample repeated with fresh respondents, padded to ~2 KB) is submitted
/// at a steady pace through the three workers on 3 partitions while workers are SIGKILLed at
/// random moments and restarted. `Deploy/crash-test.sh` runs the same scenario with ≥ 20,000
/// messages, ten times in a row; this is one smaller run that fits the suite's time budget.
@Suite("Crash recovery")
struct CrashRecoveryTests {
    /// The scenario's size and schedule.
    struct Scenario {
        var copies = 50
        var pace = 100.0
        var kills = 6
        var seed: UInt64 = 2018
        var partitions = 3
        var catchUpTimeout: Duration = .seconds(180)
    }

    @Test(
        "workers killed with SIGKILL at random moments and restarted: tallies equal offline exactly, every rejection dead-lettered once",
        .timeLimit(.minutes(8))
    )
    func killedWorkersRecoverExactly() async throws {
        let scenario = Scenario()
        let stream = try SyntheticStream.sample(.init(copies: scenario.copies, padTo: 2_048, seed: scenario.seed))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try stream.write(to: folder, survey: SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018"))
        let messages = stream.messages

        // What the pipeline must end with: the same stream through OfflineTally, same schemas.
        var offline = OfflineTally(survey: try SurveyDefinition(directory: output.schemas.path))
        var expectedRejections: [RejectionIdentity: Int] = [:]
        for message in messages {
            if let rejection = offline.process(message).outcome.rejection {
                expectedRejections[RejectionIdentity(rejection, key: message.keyString), default: 0] += 1
            }
        }
        let expected = offline.document()

        // A broker of its own: the load should not slow the other suites' broker, nor they this run.
        let broker = try await TestBroker.start()
        defer { broker.stop() }
        var options = PipelineFixture.Options()
        options.partitions = scenario.partitions
        options.schemas = output.schemas
        try await PipelineFixture.run(options, broker: broker) { pipeline in
            try await pipeline.startPipeline()
            let started = ContinuousClock.now
            async let submitted: Void = Self.submit(messages, pacedAt: scenario.pace, into: pipeline)
            let kills = try await Self.killAndRestart(
                pipeline,
                scenario: scenario,
                over: .seconds(Double(messages.count) / scenario.pace),
                from: started
            )
            try await submitted
            let submittedAt = ContinuousClock.now
            _ = try await pipeline.waitUntilReceived(messages.count, timeout: scenario.catchUpTimeout)
            let catchUp = ContinuousClock.now - submittedAt
            print(
                "crash recovery: \(messages.count) messages, kills \(kills.joined(separator: " ")), caught up \(String(format: "%.1f", catchUp.inSeconds)) s after the last submission"
            )
            #expect(Set(kills.map { $0.prefix { $0 != "@" } }).count == 3, "every worker should have been killed at least once: \(kills)")

            // The merged tallies must equal offline on every key, with zero tolerance. Every message
            // is counted once the workers received them all, so the first read should already
            // agree; it is read again every 250 ms for up to 10 s, so that a partial published a
            // moment late is not taken for a wrong one.
            let comparer = TallyComparer(
                tolerance: 0,
                ignoredExpectedKeys: ["as_of", "partitions"],
                allowedExtraKeys: ["as_of", "partitions"]
            )
            let deadline = ContinuousClock.now + .seconds(10)
            var differences = try comparer.differences(expectedJSON: expected.jsonData(), document: try await pipeline.tallies())
            while !differences.isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                differences = try comparer.differences(expectedJSON: expected.jsonData(), document: try await pipeline.tallies())
            }
            #expect(differences.isEmpty, "\(differences.count) paths differ from tally offline:\n\(differences.prefix(40).joined(separator: "\n"))")

            // Every rejection dead-lettered; duplicates across a crash are removed by the reader
            // (same worker and source position), and then no message may be rejected twice.
            let letters = try await pipeline.deadLetters()
            var actual: [RejectionIdentity: Int] = [:]
            var sources: [String: Int] = [:]
            for letter in letters {
                actual[RejectionIdentity(letter), default: 0] += 1
                sources["\(letter.source.topic)/\(letter.source.partition)/\(letter.source.offset)", default: 0] += 1
            }
            let missing = expectedRejections.filter { actual[$0.key, default: 0] < $0.value }
            let extra = actual.filter { expectedRejections[$0.key, default: 0] < $0.value }
            #expect(
                missing.isEmpty && extra.isEmpty,
                "dead letters: \(letters.count), offline rejections \(expectedRejections.values.reduce(0, +)); missing \(missing.prefix(5)), extra \(extra.prefix(5))"
            )
            #expect(sources.filter { $0.value > 1 }.isEmpty, "messages dead-lettered by two workers: \(sources.filter { $0.value > 1 }.prefix(5))")
        }
    }

    /// Produces `messages` in order at `pace` per second, in chunks every 100 ms, each chunk acknowledged.
    static func submit(_ messages: [KeyedMessage], pacedAt pace: Double, into pipeline: PipelineFixture) async throws {
        var configuration = pipeline.broker.producerConfiguration()
        configuration.deliveryTimeout = .seconds(30)
        let producer = try KafkaProducer(configuration: configuration)
        let topic = pipeline.configuration.topics.submissions
        let started = ContinuousClock.now
        var sent = 0
        var unacknowledged = 0
        while sent < messages.count {
            let due = Int(pace * (ContinuousClock.now - started).inSeconds) + max(1, Int(pace / 10))
            let chunk = messages[sent..<min(messages.count, max(sent + 1, due))]
            let results = try await producer.sendAllResults(chunk.map { KafkaProducerRecord(topic: topic, key: $0.key, value: $0.value) })
            unacknowledged += results.filter { if case .failure = $0 { true } else { false } }.count
            sent += chunk.count
            try await Task.sleep(for: .milliseconds(100))
        }
        await producer.close()
        if unacknowledged > 0 { throw PipelineError("\(unacknowledged) of \(messages.count) submissions were not acknowledged") }
    }

    /// `scenario.kills` SIGKILLs spread over `duration` (one at a random point of each slot):
    /// the first three kill each stage once in a random order, the others a random stage; each
    /// killed stage is restarted 0.2–3 s later without waiting for it to be ready (so the next
    /// kill may hit it while it restores). Returns `stage@seconds` per kill.
    static func killAndRestart(
        _ pipeline: PipelineFixture,
        scenario: Scenario,
        over duration: Duration,
        from started: ContinuousClock.Instant
    ) async throws -> [String] {
        var random = ReferenceRandom(seed: scenario.seed)
        let stages = PipelineWorker.Stage.pipeline.shuffled(using: &random)
        let slot = duration * 0.85 / scenario.kills
        var kills: [String] = []
        for k in 0..<scenario.kills {
            let stage = k < stages.count ? stages[k] : PipelineWorker.Stage.pipeline.randomElement(using: &random)!
            let at = started + duration * 0.05 + slot * k + slot * Double.random(in: 0..<0.8, using: &random)
            try await Task.sleep(until: at, clock: .continuous)
            guard let victim = pipeline.running.first(where: { $0.stage == stage }) else {
                throw PipelineError("no running \(stage.rawValue) to kill")
            }
            await pipeline.kill(victim)
            kills.append("\(stage.rawValue.dropFirst("tally-".count))@\(String(format: "%.1f", (ContinuousClock.now - started).inSeconds))s")
            try await Task.sleep(for: .seconds(Double.random(in: 0.2...3.0, using: &random)))
            try await pipeline.start(stage, waitUntilReady: false)
        }
        return kills
    }
}

/// What identifies a rejection across the offline run and the dead letters: reason, message key,
/// respondent, instance and problems (pointer and code; sentences may differ).
struct RejectionIdentity: Hashable, CustomStringConvertible {
    var reason: String
    var key: String
    var respondent: String
    var instance: String
    var problems: [String]

    init(_ rejection: Rejection, key: String) {
        reason = rejection.reason.rawValue
        self.key = key
        respondent = rejection.respondentId ?? ""
        instance = rejection.instanceId ?? ""
        problems = rejection.problems.map { "\($0.pointer) \($0.code.rawValue)" }.sorted()
    }

    init(_ letter: DeadLetter) {
        reason = letter.reason
        key = letter.key ?? ""
        respondent = letter.respondentID ?? ""
        instance = letter.instanceID ?? ""
        problems = letter.problems.map { "\($0.pointer) \($0.code.rawValue)" }.sorted()
    }

    var description: String { "\(reason) key=\(key) respondent=\(respondent) instance=\(instance) \(problems)" }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
