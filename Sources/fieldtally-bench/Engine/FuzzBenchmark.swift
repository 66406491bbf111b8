import ArgumentParser
import FieldTallyTestKit
import Foundation
import SurveyEngine

/// `fieldtally-bench fuzz`: fuzzed messages (``FuzzCorpus``: random bytes, truncations, flipped
/// bytes, wrong types, unknown options, envelope changes, invalid UTF-8, texts over the cap, a
/// message over 1 MiB, deep nesting) mixed into the sample and fed through the engine exactly as
/// the workers run it (validate, code, aggregate, render), round after round with a fresh seed.
/// It prints the outcomes by kind; finishing at all is the no-crash check, and it exits non-zero
/// when a round loses a message (fewer outcomes than inputs).
struct FuzzBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed N fuzzed messages (mixed into the sample) through validate, code and aggregate; print outcomes by kind."
    )

    @Option(help: "Fuzzed messages in all.")
    var inputs = 100_000

    @Option(help: "Fuzzed messages per round (each round: a fresh corpus seed and a fresh aggregator, the sample mixed in).")
    var perRound = 10_000

    @Option(help: "Seed of round 1 (round i uses seed + i - 1).")
    var seed: UInt64 = 20_180_630

    func run() async throws {
        let sample = try SampleStream.load()
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path)
        let started = ContinuousClock.now
        var byKind: [FuzzCorpus.Kind: [String: Int]] = [:]
        var sampleOutcomes: [String: Int] = [:]
        var made = 0
        var processed = 0
        var documents = 0
        var round = 0
        while made < inputs {
            let count = min(perRound, inputs - made)
            var corpus = try FuzzCorpus(sample: sample, survey: survey, seed: seed + UInt64(round))
            let entries = corpus.fuzzed(count)
            var tally = OfflineTally(survey: survey)
            for entry in entries {
                let outcome = Self.name(tally.process(entry.message).outcome)
                if let kind = entry.kind { byKind[kind, default: [:]][outcome, default: 0] += 1 } else { sampleOutcomes[outcome, default: 0] += 1 }
            }
            // Rendering the tallies of what was accepted is part of what a worker does with them.
            _ = try tally.document().jsonData()
            documents += 1
            guard tally.processed == entries.count else {
                throw ValidationError("round \(round + 1): \(entries.count) messages in, \(tally.processed) outcomes")
            }
            made += entries.count - sample.messages.count
            processed += entries.count
            round += 1
        }
        let seconds = (ContinuousClock.now - started).seconds
        let fuzzed = byKind.values.flatMap(\.values).reduce(0, +)
        Console.line(
            "fuzz: \(Figure.count(fuzzed)) fuzzed messages in \(round) rounds (seeds \(seed)…\(seed + UInt64(max(0, round - 1)))), "
                + "mixed with \(Figure.count(processed - fuzzed)) sample messages; \(Figure.count(processed)) processed, "
                + "\(Figure.count(processed)) outcomes, \(documents) tally documents rendered, no crash, \(Figure.fixed(seconds, 1)) s"
        )
        let outcomes = Set(byKind.values.flatMap(\.keys)).union(sampleOutcomes.keys).sorted()
        Console.line("")
        Console.line("| kind | inputs | " + outcomes.joined(separator: " | ") + " |")
        Console.line("|---|---:|" + outcomes.map { _ in "---:|" }.joined())
        for kind in FuzzCorpus.Kind.allCases {
            guard let counts = byKind[kind] else { continue }
            Console.line(row(kind.rawValue, counts, outcomes))
        }
        Console.line(row("(sample lines mixed in)", sampleOutcomes, outcomes))
        var total: [String: Int] = sampleOutcomes
        for counts in byKind.values { total.merge(counts, uniquingKeysWith: +) }
        Console.line(row("**all**", total, outcomes))
    }

    private func row(_ label: String, _ counts: [String: Int], _ outcomes: [String]) -> String {
        "| \(label) | \(counts.values.reduce(0, +)) | " + outcomes.map { String(counts[$0] ?? 0) }.joined(separator: " | ") + " |"
    }

    /// `accepted`, `edit`, `identical re-send`, `already applied`, or `rejected: <reason>`.
    private static func name(_ outcome: Outcome) -> String {
        switch outcome {
        case .acceptedFirst: "accepted"
        case .acceptedEdit: "edit"
        case .noop: "identical re-send"
        case .alreadyApplied: "already applied"
        case .rejected(let rejection, _): "rejected: \(rejection.reason.rawValue)"
        }
    }
}
