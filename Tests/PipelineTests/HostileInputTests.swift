import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension WorkerPipeline {
    /// ARCHITECTURE.md: nothing is silently dropped and no worker stops on bad input.
    @Suite(.timeLimit(.minutes(6)))
    struct HostileInputTests {
        /// Replay a failure with the seed it printed.
        static let seed: UInt64 = 20_180_630
        /// A worker's peak resident memory over the fuzzed stream must stay below this: a third of
        /// the 768 MiB limit Deploy/k8s gives tally-validate and tally-code.
        static let memoryBound = 256 * 1_024 * 1_024

        @Test func fuzzedMessagesAreAllDeadLetteredWhileTalliesMatchTheOfflineTally() async throws {
            let sample = try SampleStream.load()
            try await PipelineFixture.run { pipeline in
                var corpus = try FuzzCorpus(sample: sample, survey: pipeline.survey, seed: Self.seed)
                let (entries, regenerated) = try corpus.mixed()

                // What the engine in this process makes of exactly these messages in this order.
                var offline = OfflineTally(survey: pipeline.survey)
                var expectedRejections = RejectionLedger()
                var fuzzCounts: [FuzzCorpus.Kind: Int] = [:]
                var fuzzRejected = 0
                for (position, entry) in entries.enumerated() {
                    let result = offline.process(entry.message)
                    if let kind = entry.kind { fuzzCounts[kind, default: 0] += 1 }
                    guard let rejection = result.outcome.rejection else { continue }
                    if entry.kind != nil { fuzzRejected += 1 }
                    expectedRejections.add(
                        value: entry.message.value,
                        reason: rejection.reason.rawValue,
                        problems: rejection.problems.map { ($0.pointer, $0.code.rawValue) },
                        label: entry.kind.map { "fuzzed \($0.rawValue) at \(position)" } ?? "stream.tsv line \(entry.message.line)"
                    )
                }
                let fuzzTotal = fuzzCounts.values.reduce(0, +)
                try #require(fuzzTotal == 10_000 && fuzzRejected == fuzzTotal, "the corpus must be 10,000 rejected messages")
                print(
                    "fuzz seed \(Self.seed): \(fuzzTotal) fuzzed + \(sample.messages.count) sample = \(entries.count) messages"
                        + " (\(regenerated) accepted mutations regenerated); "
                        + fuzzCounts.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
                )

                let workers = try await pipeline.startPipeline()
                let before = workers.map { $0.residentBytes ?? 0 }
                let started = ContinuousClock.now
                // The broker takes the message over 1 MiB once the producer allows it.
                try await pipeline.submit(entries.map(\.message), producerProperties: ["message.max.bytes": "4000000"])
                let document = try await pipeline.waitUntilReceived(entries.count, timeout: .seconds(240))
                let took = ContinuousClock.now - started

                let offlineDocument = offline.document()
                let comparer = TallyComparer(
                    ignoredExpectedKeys: ["as_of", "partitions"],
                    allowedExtraKeys: ["as_of", "partitions"]
                )
                let differences = try comparer.differences(expectedJSON: offlineDocument.jsonData(), document: document)
                #expect(differences.isEmpty, "pipeline tallies differ from the offline tally:\n\(differences.prefix(40).joined(separator: "\n"))")

                let paradata = document.paradata
                #expect(paradata.received == entries.count)
                #expect(
                    paradata.acceptedFirstSubmissions + paradata.acceptedEdits + paradata.noopIdenticalResends + paradata.rejectedTotal
                        == entries.count
                )
                #expect(paradata.rejectedTotal == expectedRejections.count)

                let deadLetters = try await pipeline.deadLetters()
                #expect(deadLetters.count == expectedRejections.count)
                let mismatches = RejectionLedger(deadLetters: deadLetters).differences(expected: expectedRejections)
                #expect(mismatches.isEmpty, "\(mismatches.count) dead letters differ:\n\(mismatches.prefix(30).joined(separator: "\n"))")
                print(
                    "received \(paradata.received) in \(took): \(paradata.rejectedTotal) dead letters "
                        + "\(paradata.rejectedByReason.sorted { $0.key < $1.key }), \(paradata.acceptedFirstSubmissions) first, "
                        + "\(paradata.acceptedEdits) edits, \(paradata.noopIdenticalResends) no-ops"
                )

                try pipeline.checkWorkersAlive()
                for (worker, rssBefore) in zip(workers, before) {
                    #expect(worker.isRunning, "\(worker) stopped")
                    #expect(try await worker.get("/healthz").status == 200, "\(worker) is not healthy")
                    let rssAfter = worker.residentBytes ?? Int.max
                    let peak = worker.peakResidentBytes ?? Int.max
                    #expect(peak < Self.memoryBound, "\(worker) peak resident memory \(peak / 1_048_576) MB")
                    print("\(worker.name) VmRSS \(rssBefore / 1_048_576) MB before, \(rssAfter / 1_048_576) MB after, peak \(peak / 1_048_576) MB")
                }
            }
        }

        /// Valid submissions right at the limits (nesting depth, message size, text length) must
        /// pass all three workers, though each worker wraps or forwards them in larger records.
        @Test func submissionsAtEveryLimitAreCountedNotDeadLettered() async throws {
            let sample = try SampleStream.load()
            try await PipelineFixture.run { pipeline in
                let survey = pipeline.survey
                let limits = survey.instrument.limits
                let answered = Set(sample.outcomes.compactMap(\.respondentId))
                let fresh = survey.frame.units.map(\.id).filter { !answered.contains($0) }
                try #require(fresh.count >= 3, "the frame needs three respondents the sample does not answer")
                let template = try JSONParser().parse(try #require(sample.lines.first { $0.expected.outcome == "accepted" }).message.value)
                func submission(_ respondent: String, _ change: (inout JSONObject) -> Void) throws -> KeyedMessage {
                    guard case .object(var members) = template else { throw PipelineError("the template is not an object") }
                    members["respondent_id"] = .string(respondent)
                    members["instance_id"] = .string("uuid:\(UUID().uuidString.lowercased())")
                    change(&members)
                    return KeyedMessage(key: Array(respondent.utf8), value: JSONWriter().bytes(.object(members)))
                }
                // An ignored envelope member nested to the parser's depth limit (the document itself is level 1).
                var nested = JSONValue.array([])
                for _ in 0..<(JSONParser.defaultMaxDepth - 2) { nested = .array([nested]) }
                let deepest = try submission(fresh[0]) { $0["producer_meta"] = nested }
                // A description of exactly the text cap.
                let longest = try submission(fresh[1]) { members in
                    guard case .object(var answers)? = members["answers"], case .object(var approaches)? = answers["approaches"],
                        let section = approaches.keys.sorted().first, case .object(var fields)? = approaches[section]
                    else { return }
                    fields["description"] = .string(String(repeating: "a", count: limits.textCharacters))
                    approaches[section] = .object(fields)
                    answers["approaches"] = .object(approaches)
                    members["answers"] = .object(answers)
                }
                // A message 100 bytes under the message cap, padded by an ignored envelope member.
                var largest = try submission(fresh[2]) { $0["producer_padding"] = .string("") }
                let padding = limits.messageBytes - 100 - largest.value.count
                largest = try submission(fresh[2]) { $0["producer_padding"] = .string(String(repeating: "p", count: padding)) }
                let atLimits = [deepest, longest, largest]
                for message in atLimits {
                    guard case .valid = survey.validator.validate(message.value) else {
                        Issue.record("a submission at the limits is not valid in-process: \(survey.validator.validate(message.value))")
                        return
                    }
                }
                #expect(largest.value.count == limits.messageBytes - 100)

                let messages = sample.keyedMessages + atLimits
                var offline = OfflineTally(survey: survey)
                var expectedRejections = RejectionLedger()
                for message in messages {
                    if let rejection = offline.process(message).outcome.rejection {
                        expectedRejections.add(
                            value: message.value,
                            reason: rejection.reason.rawValue,
                            problems: rejection.problems.map { ($0.pointer, $0.code.rawValue) },
                            label: "line \(message.line)"
                        )
                    }
                }
                let counted = sample.outcomes.filter { $0.kind == "first" }.count + atLimits.count
                #expect(
                    offline.aggregator.snapshot().counted == counted,
                    "the offline tally counts the sample's respondents and the three at the limits"
                )

                try await pipeline.startPipeline()
                try await pipeline.submit(messages, producerProperties: ["message.max.bytes": "4000000"])
                let document = try await pipeline.waitUntilReceived(messages.count, timeout: .seconds(90))
                let comparer = TallyComparer(
                    ignoredExpectedKeys: ["as_of", "partitions"],
                    allowedExtraKeys: ["as_of", "partitions"]
                )
                let differences = try comparer.differences(expectedJSON: offline.document().jsonData(), document: document)
                #expect(differences.isEmpty, "pipeline tallies differ from the offline tally:\n\(differences.joined(separator: "\n"))")
                #expect(document.countedRespondents == counted)
                let mismatches = RejectionLedger(deadLetters: try await pipeline.deadLetters()).differences(expected: expectedRejections)
                #expect(mismatches.isEmpty, "dead letters differ:\n\(mismatches.joined(separator: "\n"))")
                try pipeline.checkWorkersAlive()
            }
        }
    }
}
