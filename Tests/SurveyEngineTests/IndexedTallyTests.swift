import FieldTallyTestKit
import Foundation
import Testing

@testable import SurveyEngine

/// The aggregator's indexed counting (`PlanLayout`, `IndexedContribution`, `IndexedTally`)
/// against the String-keyed `PartialTally.add` it replaces: random contributions, some of which
/// the layout cannot express (codes outside the plan, out of order or repeated, missing or extra
/// fields, unknown numbers, free texts or regions), added and retracted in random order.
@Suite struct IndexedTallyTests {
    let plan: TallyPlan
    let layout: PlanLayout
    static let regions = ["North", "South", "East \"quoted\""]

    init() throws {
        // One field with more codes than one mask word holds.
        let big = (0..<70).map { "code_\($0)" }
        plan = try TallyPlan(
            formId: "demo",
            referenceDate: "2020-01-01",
            fields: [
                TallyField(name: "big", origin: .coded, source: [], codes: big),
                TallyField(name: "small", origin: .coded, source: [], codes: ["x", "y", "z"]),
                TallyField(name: "pair", origin: .coded, source: [], codes: ["yes", "no"]),
            ],
            numeric: [
                NumericSummaryPlan(name: "weeks", origin: .codedNumber("weeks")),
                NumericSummaryPlan(name: "age", origin: .codedNumber("age")),
            ],
            freeText: [
                FreeTextPlan(name: "note", path: try TallyPath("answers.note")),
                FreeTextPlan(name: "comment", path: try TallyPath("answers.comment")),
            ],
            crosstabs: [
                CrossTabPlan(name: "big x small", rows: "big", columns: "small"),
                CrossTabPlan(name: "small x pair", rows: "small", columns: "pair"),
            ]
        )
        layout = PlanLayout(plan: plan, regions: Self.regions)
    }

    /// A random contribution; about half are ones the layout cannot express.
    private func randomContribution(_ rng: inout ReferenceRandom) -> Contribution {
        let odd = rng.chance(0.5)
        func rare(_ rng: inout ReferenceRandom) -> Bool { odd && rng.chance(0.15) }
        var fields: [String: Contribution.FieldValue] = [:]
        for field in plan.fields where !rare(&rng) {
            var codes = field.codes.filter { _ in rng.chance(field.codes.count > 10 ? 0.05 : 0.4) }
            if rare(&rng) { codes.append("not_in_plan") }
            if rare(&rng), let first = codes.first { codes.append(first) }
            if rare(&rng) { codes.reverse() }
            fields[field.name] = .init(answered: rng.chance(0.7), codes: codes)
        }
        if rare(&rng) { fields["stray"] = .init(answered: true, codes: ["x"]) }
        var numbers: [String: Double] = [:]
        for name in ["weeks", "age"] where rng.chance(0.6) { numbers[name] = [1, 2, 2.5, -3, 0, 1e300].randomElement(using: &rng) }
        if rare(&rng) { numbers["stray"] = 4 }
        var texts = ["note", "comment"].filter { _ in rng.chance(0.5) }
        if rare(&rng) { texts.reverse() }
        if rare(&rng) { texts.append("stray") }
        let region = rare(&rng) ? "Elsewhere" : Self.regions.randomElement(using: &rng) ?? ""
        return Contribution(
            region: region,
            formVersion: ["v1", "v2", "a form version longer than fifteen bytes"].randomElement(using: &rng) ?? "",
            codebookVersion: ["cb-1", "cb-2"].randomElement(using: &rng) ?? "",
            day: "2020-01-0\(Int.random(in: 1...9, using: &rng))",
            fields: fields,
            numbers: numbers,
            freeTextAnswered: texts
        )
    }

    @Test func indexingGivesTheContributionBack() {
        var rng = ReferenceRandom(seed: 11)
        var indexed = 0
        for _ in 0..<2_000 {
            let contribution = randomContribution(&rng)
            let counted = CountedContribution(contribution, layout: layout)
            #expect(counted.contribution == contribution)
            if case .indexed = counted { indexed += 1 }
        }
        #expect(indexed > 500 && indexed < 1_900, "both kinds are exercised: \(indexed) of 2000 indexed")
    }

    @Test func indexedChangelogBytesEqualTheStringWriters() {
        var rng = ReferenceRandom(seed: 12)
        var state = RespondentState(respondentId: "R1")
        state.headInstanceId = "uuid:1"
        state.versions = ["uuid:1": ContentFingerprint(value: 42)]
        for _ in 0..<500 {
            let contribution = randomContribution(&rng)
            guard case .indexed = CountedContribution(contribution, layout: layout) else { continue }
            var full = state
            full.contribution = contribution
            let indexed = ChangelogRecord(state, contribution: CountedContribution(contribution, layout: layout))
            #expect(indexed == ChangelogRecord(full))
        }
    }

    @Test func randomAddsAndRetractsGivePartialTallyAddsCounts() {
        for seed in UInt64(1)...40 {
            var rng = ReferenceRandom(seed: seed)
            var reference = PartialTally(formId: plan.formId)
            var counts = IndexedTally(plan: plan, layout: layout)
            var held: [(contribution: Contribution, counted: CountedContribution)] = []
            for step in 0..<300 {
                if held.isEmpty || rng.chance(0.6) {
                    let contribution = randomContribution(&rng)
                    let counted = CountedContribution(contribution, layout: layout)
                    reference.add(contribution, crosstabs: plan.crosstabs)
                    counts.add(counted)
                    held.append((contribution, counted))
                } else {
                    let (contribution, counted) = held.remove(at: Int.random(in: held.indices, using: &rng))
                    reference.add(contribution, sign: -1, crosstabs: plan.crosstabs)
                    counts.add(counted, sign: -1)
                }
                if step % 25 == 0 || step == 299 {
                    let partial = counts.partial()
                    #expect(partial == reference, "seed \(seed), step \(step)")
                    if partial != reference { return }
                }
            }
            // Retracting everything leaves nothing.
            for (contribution, counted) in held {
                reference.add(contribution, sign: -1, crosstabs: plan.crosstabs)
                counts.add(counted, sign: -1)
            }
            #expect(counts.partial() == PartialTally(formId: plan.formId), "seed \(seed)")
            #expect(reference == PartialTally(formId: plan.formId), "seed \(seed)")
        }
    }

    @Test func layoutsOfEqualPlansMatch() {
        let other = PlanLayout(plan: plan, regions: Self.regions)
        #expect(other.matches(layout) && layout.matches(other))
        #expect(!PlanLayout(plan: plan, regions: ["North"]).matches(layout))
    }
}
