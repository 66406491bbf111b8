/// The contribution counts of a `PartialTally` (everything but the paradata) kept in arrays by
/// `PlanLayout` position: the aggregator counts every head version here, and `partial()` gives
/// the `PartialTally` members that `PartialTally.add` would have built from the same
/// contributions, exactly.
///
/// A contribution the layout does not express (`CountedContribution.strings`) is counted with
/// `PartialTally.add` into `overflow`, which `partial()` starts from; both parts are sums of the
/// contributions counted, so their sum (dropping zeros, as `PartialTally` does) is the same.
struct IndexedTally: Sendable {
    /// The layout the arrays follow.
    let layout: PlanLayout
    /// Counted head versions (indexed ones).
    private var counted = 0
    /// Answered respondents per field.
    private var answered: [Int]
    /// Respondents per code (flat, as `PlanLayout.codeStart`).
    private var codes: [Int]
    /// Values per numeric summary.
    private var numeric: [NumericMultiset]
    /// Answered respondents per free text.
    private var freeText: [Int]
    /// Respondents per cross-tab cell (as `PlanLayout.crosstabs`).
    private var cells: [Int]
    /// Counted respondents per region (as `PlanLayout.regionNames`).
    private var regions: [Int]
    /// Counted head versions per `form_version`.
    private var formVersions = CountTable()
    /// Counted head versions per codebook version.
    private var codebookVersions = CountTable()
    /// Review items per coded field.
    private var codingReview: [String: Int] = [:]
    /// The contributions counted the String-keyed way; its paradata stay empty.
    private var overflow: PartialTally
    /// The crosstab plans `overflow` is counted with.
    private let crosstabPlans: [CrossTabPlan]

    /// No counts, for `plan`'s form with `layout` (made from `plan`).
    init(plan: TallyPlan, layout: PlanLayout) {
        self.layout = layout
        answered = Array(repeating: 0, count: layout.fieldNames.count)
        codes = Array(repeating: 0, count: layout.codeCount)
        numeric = Array(repeating: NumericMultiset(), count: layout.numericNames.count)
        freeText = Array(repeating: 0, count: layout.freeTextNames.count)
        cells = Array(repeating: 0, count: layout.cellCount)
        regions = Array(repeating: 0, count: layout.regionNames.count)
        overflow = PartialTally(formId: plan.formId)
        crosstabPlans = plan.crosstabs
    }

    /// Adds (`sign` = 1) or retracts (`sign` = -1) one head version's contribution. An indexed
    /// contribution must come from a layout that `matches` this one.
    mutating func add(_ contribution: CountedContribution, sign: Int = 1) {
        switch contribution {
        case .indexed(let indexed): add(indexed, sign: sign)
        case .strings(let strings): overflow.add(strings, sign: sign, crosstabs: crosstabPlans)
        }
    }

    private mutating func add(_ contribution: IndexedContribution, sign: Int) {
        counted += sign
        let bits = contribution.bits
        for field in answered.indices {
            if bits.hasBit(field) { answered[field] += sign }
            let start = layout.codeStart[field]
            contribution.forEachCode(of: field) { codes[start + $0] += sign }
        }
        for (s, value) in contribution.numbers.enumerated() where !value.isNaN {
            if sign > 0 { numeric[s].insert(value) } else { numeric[s].remove(value) }
        }
        contribution.forEachFreeText { freeText[$0] += sign }
        for tab in layout.crosstabs {
            let columnCount = layout.fieldCodes[tab.columns].count
            contribution.forEachCode(of: tab.rows) { row in
                let rowStart = tab.cellStart + row * columnCount
                contribution.forEachCode(of: tab.columns) { cells[rowStart + $0] += sign }
            }
        }
        regions[contribution.regionNumber] += sign
        formVersions.add(sign, to: contribution.formVersion)
        codebookVersions.add(sign, to: contribution.codebookVersion)
        if let review = contribution.codingReview { codingReview.addCounts(review, sign: sign) }
    }

    /// The counts as `PartialTally` members (no partitions, empty paradata).
    func partial() -> PartialTally {
        var partial = overflow
        partial.counted += counted
        for (f, name) in layout.fieldNames.enumerated() {
            let start = layout.codeStart[f]
            let codes = layout.fieldCodes[f]
            guard answered[f] != 0 || self.codes[start..<(start + codes.count)].contains(where: { $0 != 0 }) else { continue }
            let emptied = { (counts: inout PartialTally.FieldCounts) -> Bool in
                counts.answered += answered[f]
                for (c, code) in codes.enumerated() where self.codes[start + c] != 0 { counts.codes.add(self.codes[start + c], to: code) }
                return counts.answered == 0 && counts.codes.isEmpty
            }(&partial.fields[name, default: PartialTally.FieldCounts()])
            if emptied { partial.fields.removeValue(forKey: name) }
        }
        for (s, values) in numeric.enumerated() where !values.isEmpty {
            partial.numeric[layout.numericNames[s], default: NumericMultiset()].formUnion(values)
        }
        for (t, count) in freeText.enumerated() where count != 0 { partial.freeTextAnswered.add(count, to: layout.freeTextNames[t]) }
        for tab in layout.crosstabs {
            let rows = layout.fieldCodes[tab.rows]
            let columns = layout.fieldCodes[tab.columns]
            for (r, row) in rows.enumerated() {
                for (c, column) in columns.enumerated() {
                    let count = cells[tab.cellStart + r * columns.count + c]
                    if count != 0 { Self.add(count, to: &partial.crosstabs, tab.name, row, column) }
                }
            }
        }
        for (r, count) in regions.enumerated() where count != 0 { partial.respondedByRegion.add(count, to: layout.regionNames[r]) }
        formVersions.write(into: &partial.formVersions)
        codebookVersions.write(into: &partial.codebookVersions)
        partial.addCodingReview(codingReview)
        return partial
    }

    /// Adds `count` to one cross-tab cell, dropping the cell, row and table when they reach zero.
    private static func add(_ count: Int, to crosstabs: inout [String: [String: [String: Int]]], _ name: String, _ row: String, _ column: String) {
        crosstabs[name, default: [:]][row, default: [:]].add(count, to: column)
        if crosstabs[name]?[row]?.isEmpty == true { crosstabs[name]?.removeValue(forKey: row) }
        if crosstabs[name]?.isEmpty == true { crosstabs.removeValue(forKey: name) }
    }
}

/// Counts by name for a handful of names that repeat (form versions, codebook versions): the
/// name counted last is compared first, so the usual message costs one String comparison and
/// no hashing.
struct CountTable: Sendable {
    /// Names in first-seen order.
    private var names: [String] = []
    /// Counts by name position.
    private var counts: [Int] = []
    /// Name positions.
    private var positions: [String: Int] = [:]
    /// The position counted last.
    private var last = 0

    /// Adds `delta` to `name`'s count.
    mutating func add(_ delta: Int, to name: String) {
        let position: Int
        if last < names.count, names[last] == name {
            position = last
        } else if let known = positions[name] {
            position = known
        } else {
            position = names.count
            names.append(name)
            counts.append(0)
            positions[name] = position
        }
        last = position
        counts[position] += delta
    }

    /// Adds the non-zero counts to `dictionary` (dropping counts that reach zero).
    func write(into dictionary: inout [String: Int]) {
        for (position, count) in counts.enumerated() where count != 0 { dictionary.add(count, to: names[position]) }
    }
}
