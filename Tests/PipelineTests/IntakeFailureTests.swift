import FieldTallyTestKit
import Foundation
import SurveyEngine
import Synchronization
import Testing

extension WorkerPipeline {
    /// tally-intake killed mid-stream, and the broker gone until posts are answered 503, while clients post with
    /// KoboToolbox's rule (send again on anything but 2xx or a dropped connection): nothing is
    /// lost and nothing is counted twice.
    @Suite(.timeLimit(.minutes(4)))
    struct IntakeFailureTests {
        @Test func killingTheGatewayMidStreamLosesNothingAndCountsNothingTwice() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let port = try freeLoopbackPort()
                let first = try await IntakeGatewayProcess.start(for: pipeline, port: port)
                let client = KoboClient(port: port)
                let posting = Task { try await client.postSample(clients: 4) }
                var gateways = [first]
                // Two crashes while the four clients post: after the 25th and the 55th acknowledgement.
                for threshold in [25, 55] {
                    while client.acknowledged < threshold { try await Task.sleep(for: .milliseconds(5)) }
                    gateways.last!.kill()
                    gateways.append(try await IntakeGatewayProcess.start(for: pipeline, port: port))
                }
                defer { for gateway in gateways { gateway.terminate() } }
                let retries = try await posting.value
                #expect(retries > 0, "the clients should have had to send some submissions again")
                try await expectCountedExactly(pipeline: pipeline, atLeast: 84)
            }
        }

        @Test func brokerOutageGives503WithRetryAfterThenEverythingIsStored() async throws {
            let broker = try await TestBroker.start()
            defer { broker.stop() }
            var options = PipelineFixture.Options()
            options.environment = ["TALLY_INTAKE_ACK_TIMEOUT": "3s", "TALLY_INTAKE_RETRY_AFTER": "2s"]
            try await PipelineFixture.run(options, broker: broker) { pipeline in
                try await pipeline.startPipeline()
                let port = try freeLoopbackPort()
                let gateway = try await IntakeGatewayProcess.start(for: pipeline, port: port)
                defer { gateway.terminate() }
                let client = KoboClient(port: port)
                let posting = Task { try await client.postSample(clients: 1, pause: .milliseconds(150)) }
                while client.acknowledged < 20 { try await Task.sleep(for: .milliseconds(5)) }
                broker.pause()
                // The outage lasts until a post has been answered 503 (after the gateway's 3 s
                // acknowledgement timeout), not a fixed time; the deadline only stops a hang.
                let deadline = ContinuousClock.now + .seconds(60)
                while client.unavailable == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                broker.resume()
                _ = try await posting.value
                #expect(client.unavailable > 0, "posts during the outage should have been answered 503")
                #expect(client.retryAfterSeen == ["2"], "every 503 carries Retry-After")
                try await expectCountedExactly(pipeline: pipeline, atLeast: 84)
            }
        }
    }
}

/// Posts the sample's 84 readable submissions as KoboToolbox JSON, as KoboToolbox REST
/// Services does: a submission is sent again after any answer but 2xx and after a dropped or
/// refused connection (here at once, or after `Retry-After`, instead of 60 s, 600 s, 6,000 s).
final class KoboClient: Sendable {
    let port: Int
    private let counts = Mutex((acknowledged: 0, retries: 0, unavailable: 0, retryAfter: Set<String>()))

    init(port: Int) { self.port = port }

    var acknowledged: Int { counts.withLock { $0.acknowledged } }
    var unavailable: Int { counts.withLock { $0.unavailable } }
    var retryAfterSeen: Set<String> { counts.withLock { $0.retryAfter } }

    /// Posts every readable sample line; each respondent's lines in order, by one of `clients`
    /// concurrent clients. Returns how many posts were sent again.
    func postSample(clients: Int, pause: Duration = .zero) async throws -> Int {
        let lines = try SampleStream.load().messages.compactMap { message -> (key: String, body: [UInt8])? in
            guard let object = try? JSONParser().parse(message.value).objectValue, !object.isEmpty,
                let body = PlatformPayloads.kobo(message.value, id: message.line)
            else { return nil }
            return (message.key, body)
        }
        let url = URL(string: "http://127.0.0.1:\(port)/v1/kobo/wwc-csc-2018")!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                let mine = lines.filter { $0.key.utf8.reduce(0) { $0 + Int($1) } % clients == client }
                group.addTask {
                    for line in mine {
                        try await self.post(line.body, to: url)
                        if pause > .zero { try await Task.sleep(for: pause) }
                    }
                }
            }
            try await group.waitForAll()
        }
        return counts.withLock { $0.retries }
    }

    private func post(_ body: [UInt8], to url: URL) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            var wait = Duration.milliseconds(100)
            if let answer = try? await IntakeGatewayProcess.request(
                "POST",
                url,
                body: body,
                headers: ["Content-Type": "application/json"],
                timeout: 15
            ) {
                if (200..<300).contains(answer.status) {
                    counts.withLock { $0.acknowledged += 1 }
                    return
                }
                if answer.status == 503 {
                    let retryAfter = answer.headers["retry-after"] ?? "missing"
                    counts.withLock {
                        $0.unavailable += 1
                        $0.retryAfter.insert(retryAfter)
                    }
                    if let seconds = Int(retryAfter) { wait = .seconds(seconds) }
                }
            }
            counts.withLock { $0.retries += 1 }
            try await Task.sleep(for: wait)
        }
        throw PipelineError("a submission was not acknowledged within 120 s")
    }
}

/// Checks that what is counted equals `expected.json` exactly (respondents, every field, number
/// and cross-tab, first submissions and edits), once every record on the submissions topic, at
/// least `count`, was received. Re-sent messages only add no-ops and repeated rejections to the paradata.
func expectCountedExactly(pipeline: PipelineFixture, atLeast count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    #expect(try await pipeline.submittedRecords() >= count, sourceLocation: sourceLocation)
    let document = try await pipeline.waitUntilReceivedEverythingSubmitted(timeout: .seconds(90))
    let differences = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), document: document)
        .filter { !$0.contains("paradata") }
    #expect(
        differences.isEmpty,
        "counted tallies differ from expected.json:\n\(differences.joined(separator: "\n"))",
        sourceLocation: sourceLocation
    )
    #expect(document.paradata.acceptedFirstSubmissions == 60, sourceLocation: sourceLocation)
    #expect(document.paradata.acceptedEdits == 4, sourceLocation: sourceLocation)
    #expect(document.countedRespondents == 60, sourceLocation: sourceLocation)
}
