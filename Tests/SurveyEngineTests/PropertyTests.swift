import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// Random streams (seeded; a failing seed is named in the message) against the simple
/// `ReferenceTally`, and the aggregator's algebra: partition splits and merge orders,
/// serialise/restore mid-stream, replays, and crashes between changelog writes.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(1...120)
    let plan: TallyPlan
    let frame: Frame

    init() throws {
        let sample = try TallySample()
        plan = sample.plan
        frame = sample.frame
    }

    private func run(
        _ stream: ReferenceStream,
        partition: Int = 0,
        from start: Int = 0,
        into aggregator: inout Aggregator,
        withPositions: Bool = false
    ) -> [Outcome] {
        stream.messages.indices.dropFirst(start).map { i in
            stream.messages[i].input.apply(to: &aggregator, at: withPositions ? InputPosition(stream: "in/\(partition)", offset: Int64(i)) : nil)
        }
    }

    /// The document without what differs by construction between runs (partitions covered).
    private func comparable(_ partial: PartialTally) throws -> JSONValue {
        var copy = partial
        copy.partitions = [:]
        return try ReferenceJSONValue.parse(TallyDocument(merged: copy, plan: plan, frame: frame).jsonData())
    }

    /// Where two partials differ (exactly), as document paths; empty when they are equal.
    private func differences(_ actual: PartialTally, _ expected: PartialTally) throws -> [String] {
        guard actual != expected else { return [] }
        let paths = TallyComparer(tolerance: 0).differences(expected: try comparable(expected), actual: try comparable(actual))
        return paths.isEmpty
            ? ["equal documents from unequal partials (partitions \(actual.partitions) vs \(expected.partitions))"] : Array(paths.prefix(8))
    }

    @Test func randomStreamsGiveTheReferenceTally() throws {
        for seed in Self.seeds {
            let stream = ReferenceStream(plan: plan, frame: frame, seed: seed)
            var aggregator = Aggregator(plan: plan, frame: frame)
            let outcomes = run(stream, into: &aggregator)
            let wrong = zip(stream.messages, outcomes).enumerated().filter { !$1.0.expected.matches($1.1) }
            #expect(
                wrong.isEmpty,
                "seed \(seed): \(wrong.prefix(3).map { "message \($0.offset) (\($0.element.0.kind)): expected \($0.element.0.expected), got \($0.element.1)" })"
            )

            let expected = ReferenceTally.document(heads: Array(stream.heads.values), messages: stream.messages, plan: plan, frame: frame)
            let actual = try ReferenceJSONValue.parse(TallyDocument(partials: [aggregator.snapshot()], plan: plan, frame: frame).jsonData())
            let differences = TallyComparer(tolerance: 1e-9).differences(expected: expected, actual: actual)
            #expect(differences.isEmpty, "seed \(seed): \(differences.prefix(10).joined(separator: "\n"))")
            if !differences.isEmpty || !wrong.isEmpty { break }
        }
    }

    @Test func streamsExerciseEveryKindOfMessage() {
        let kinds = Set(Self.seeds.prefix(10).flatMap { ReferenceStream(plan: plan, frame: frame, seed: $0).messages.map(\.kind) })
        #expect(kinds == Set(ReferenceStream.Kind.allCases))
    }

    @Test func anyPartitionSplitAndMergeOrderGivesTheSameDocument() throws {
        for seed in Self.seeds.prefix(60) {
            var rng = ReferenceRandom(seed: seed &* 7919)
            let stream = ReferenceStream(plan: plan, frame: frame, seed: seed)
            var whole = Aggregator(plan: plan, frame: frame)
            _ = run(stream, into: &whole)

            let count = [2, 3, 5, 8].randomElement(using: &rng) ?? 2
            var parts = (0..<count).map { Aggregator(plan: plan, frame: frame, partition: $0) }
            for message in stream.messages {
                // Upstream rejections without a key may land on any partition.
                let partition = message.key.isEmpty ? Int.random(in: 0..<count, using: &rng) : TallyInput.partition(forKey: message.key, count: count)
                message.input.apply(to: &parts[partition])
            }
            let partials = parts.map { $0.snapshot() }.shuffled(using: &rng)
            let merged = try PartialTally.merge(partials, formId: plan.formId)
            #expect(merged.partitions.count == count)
            let split = TallyComparer(tolerance: 0).differences(expected: try comparable(whole.snapshot()), actual: try comparable(merged))
            #expect(split.isEmpty, "seed \(seed), \(count) partitions: \(split.prefix(8))")

            // Merging is associative: pairwise in another order gives the same tally.
            let pairwise = try stride(from: 0, to: partials.count, by: 2).map { i in
                i + 1 < partials.count ? try partials[i].merging(partials[i + 1]) : partials[i]
            }.reversed().reduce(PartialTally(formId: plan.formId)) { try $0.merging($1) }
            #expect(try differences(pairwise, merged).isEmpty, "seed \(seed)")
        }
    }

    @Test func restoringStateMidStreamThenContinuingGivesTheSameTally() throws {
        for seed in Self.seeds.prefix(60) {
            var rng = ReferenceRandom(seed: seed &* 104_729)
            let stream = ReferenceStream(plan: plan, frame: frame, seed: seed)
            var uninterrupted = Aggregator(plan: plan, frame: frame)
            _ = run(stream, into: &uninterrupted)

            let cut = Int.random(in: 0...stream.messages.count, using: &rng)
            var first = Aggregator(plan: plan, frame: frame)
            var log: [ChangelogRecord] = []  // the changelog as written, before compaction
            for message in stream.messages.prefix(cut) {
                message.input.apply(to: &first)
                if rng.chance(0.3) { log += first.takeChangelog() }
            }
            log += first.takeChangelog()

            var restored = Aggregator(plan: plan, frame: frame)
            for record in log { try restored.restore(record) }
            let afterRestore = try differences(restored.snapshot(), first.snapshot())
            #expect(afterRestore.isEmpty, "seed \(seed): restore after \(cut) messages: \(afterRestore)")
            #expect(restored.takeChangelog().isEmpty, "restored records are not pending")

            _ = run(stream, from: cut, into: &restored)
            let afterContinuing = try differences(restored.snapshot(), uninterrupted.snapshot())
            #expect(afterContinuing.isEmpty, "seed \(seed): continue after \(cut) messages: \(afterContinuing)")
            let statesEqual = Set(restored.respondentStates) == Set(uninterrupted.respondentStates)
            #expect(statesEqual, "seed \(seed): respondent states differ")
        }
    }

    @Test func replayingAnAlreadyAppliedOffsetRangeChangesNothing() throws {
        for seed in Self.seeds.prefix(60) {
            var rng = ReferenceRandom(seed: seed &* 15_485_863)
            let stream = ReferenceStream(plan: plan, frame: frame, seed: seed)
            var aggregator = Aggregator(plan: plan, frame: frame)
            _ = run(stream, into: &aggregator, withPositions: true)
            let before = aggregator.snapshot()
            _ = aggregator.takeChangelog()

            let start = Int.random(in: 0..<stream.messages.count, using: &rng)
            let replayed = run(stream, from: start, into: &aggregator, withPositions: true)
            #expect(replayed.allSatisfy { $0 == .alreadyApplied }, "seed \(seed): replay from \(start)")
            let afterReplay = try differences(aggregator.snapshot(), before)
            #expect(afterReplay.isEmpty, "seed \(seed): \(afterReplay)")
            #expect(aggregator.takeChangelog().isEmpty, "seed \(seed): a replay writes nothing")
        }
    }

    /// The worker's loop: apply a batch, write its changelog records, commit the offset. A crash
    /// may land after any subset of a batch's records reached the changelog and before the
    /// commit; the restarted worker restores the changelog and replays from the commit.
    @Test func crashBetweenChangelogWritesRecoversExactly() throws {
        for seed in Self.seeds.prefix(60) {
            var rng = ReferenceRandom(seed: seed &* 32_452_843)
            let stream = ReferenceStream(plan: plan, frame: frame, seed: seed)
            var uninterrupted = Aggregator(plan: plan, frame: frame)
            _ = run(stream, into: &uninterrupted)

            var worker = Aggregator(plan: plan, frame: frame)
            var changelog: [ChangelogRecord] = []
            var committed = 0
            let crashAt = Int.random(in: 0..<stream.messages.count, using: &rng)
            var crashed = false
            while committed < stream.messages.count && !crashed {
                let end = min(stream.messages.count, committed + Int.random(in: 1...12, using: &rng))
                for i in committed..<end {
                    stream.messages[i].input.apply(to: &worker, at: InputPosition(stream: "in/0", offset: Int64(i)))
                }
                let records = worker.takeChangelog()
                if (committed..<end).contains(crashAt) {
                    changelog += records.filter { _ in rng.chance(0.5) }  // some writes landed, the commit did not
                    crashed = true
                } else {
                    changelog += records
                    committed = end
                }
            }

            var restarted = Aggregator(plan: plan, frame: frame)
            for record in changelog { try restarted.restore(record) }
            _ = run(stream, from: committed, into: &restarted, withPositions: true)
            let afterCrash = try differences(restarted.snapshot(), uninterrupted.snapshot())
            #expect(afterCrash.isEmpty, "seed \(seed): crash in the batch holding message \(crashAt): \(afterCrash)")
        }
    }
}
