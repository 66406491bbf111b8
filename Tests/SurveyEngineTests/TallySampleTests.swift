import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The sample stream (head versions + gold codes) must reproduce `expected.json` exactly.
@Suite struct TallySampleTests {
    @Test func everyLineGetsTheOutcomeExpectedJsonGives() throws {
        let sample = try TallySample()
        var aggregator = Aggregator(plan: sample.plan, frame: sample.frame)
        let outcomes = sample.apply(to: &aggregator)
        var wrong: [String] = []
        for (line, outcome) in zip(sample.lines, outcomes) {
            let got: String
            switch outcome {
            case .acceptedFirst: got = "accepted first"
            case .acceptedEdit: got = "accepted edit"
            case .noop: got = "noop identical_resend"
            case .rejected(let rejection, _): got = "rejected \(rejection.reason.rawValue)"
            case .alreadyApplied: got = "already applied"
            }
            let want = "\(line.expectedOutcome) \(line.expectedDetail)"
            if got != want { wrong.append("line \(line.number): expected \(want), got \(got)") }
        }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test func sampleTallyEqualsExpectedJson() throws {
        let sample = try TallySample()
        var aggregator = Aggregator(plan: sample.plan, frame: sample.frame)
        _ = sample.apply(to: &aggregator)
        let document = try TallyDocument(partials: [aggregator.snapshot()], plan: sample.plan, frame: sample.frame)
        let differences = try TallyComparer().differences(expectedJSON: sample.expectedJSON, document: document)
        #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.joined(separator: "\n"))")
        #expect(document.countedRespondents == 60)
    }

    @Test func sampleTallyMatchesExpectedJsonToNineDecimals() throws {
        let sample = try TallySample()
        var aggregator = Aggregator(plan: sample.plan, frame: sample.frame)
        _ = sample.apply(to: &aggregator)
        let document = try TallyDocument(partials: [aggregator.snapshot()], plan: sample.plan, frame: sample.frame)
        let differences = try TallyComparer(tolerance: 1e-9).differences(expectedJSON: sample.expectedJSON, document: document)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test func sampleTallyIsTheSameSplitOverFourPartitions() throws {
        let sample = try TallySample()
        var aggregators = (0..<4).map { Aggregator(plan: sample.plan, frame: sample.frame, partition: $0) }
        for line in sample.lines {
            line.message.apply(to: &aggregators[TallyInput.partition(forKey: line.key, count: 4)])
        }
        let document = try TallyDocument(partials: aggregators.reversed().map { $0.snapshot() }, plan: sample.plan, frame: sample.frame)
        #expect(document.partitions.count == 4)
        let differences = try TallyComparer().differences(expectedJSON: sample.expectedJSON, document: document)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test func comparerListsEveryDifferingPath() throws {
        let sample = try TallySample()
        var aggregator = Aggregator(plan: sample.plan, frame: sample.frame)
        // Drop the last line (an accepted first submission): one respondent fewer.
        for line in sample.lines.dropLast() { line.message.apply(to: &aggregator) }
        let document = try TallyDocument(partials: [aggregator.snapshot()], plan: sample.plan, frame: sample.frame)
        let differences = try TallyComparer().differences(expectedJSON: sample.expectedJSON, document: document)
        #expect(differences.contains("counted_respondents: expected 60, got 59"))
        #expect(differences.contains("paradata.received: expected 88, got 87"))
        #expect(differences.contains { $0.hasPrefix("response_rate.overall.wilson95[0]:") })
    }
}
