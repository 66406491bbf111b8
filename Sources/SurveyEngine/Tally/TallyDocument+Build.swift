extension TallyDocument {
    /// Merges `partials` (disjoint partitions) and renders them with `plan` and `frame`.
    ///
    /// - Parameters:
    ///   - partials: The newest partial of each partition, of the plan's form; none gives an all-zero document.
    ///   - plan: What is tallied and in which order codes, regions and cross-tabs are shown.
    ///   - frame: The population frame: the bases of the response rates.
    ///   - options: Suppression, provisional flag and time shown. Default: no suppression, provisional.
    /// - Throws: `TallyError` `.formMismatch` when a partial is of another form than the plan,
    ///   `.overlappingPartitions` when two partials cover the same partition.
    public init(partials: some Sequence<PartialTally>, plan: TallyPlan, frame: Frame, options: Options = Options()) throws(TallyError) {
        let merged = try PartialTally.merge(partials, formId: plan.formId)
        self.init(merged: merged, plan: plan, frame: frame, options: options)
    }

    /// Renders one (already merged) partial tally.
    ///
    /// - Parameters:
    ///   - tally: The merged tally; its form is not checked against the plan. Codes it holds that the plan does not
    ///     list are not shown.
    ///   - plan: What is tallied and in which order codes, regions and cross-tabs are shown.
    ///   - frame: The population frame: the bases of the response rates.
    ///   - options: Suppression, provisional flag and time shown. Default: no suppression, provisional.
    public init(merged tally: PartialTally, plan: TallyPlan, frame: Frame, options: Options = Options()) {
        let threshold = options.suppressBelow ?? 0
        func hidden(_ count: Int) -> Bool { count > 0 && count < threshold }
        func percent(_ count: Int, _ base: Int) -> Double? { base > 0 ? 100 * Double(count) / Double(base) : nil }

        let counted = tally.counted
        var regions: [(region: String, rate: Rate)] = plan.orderedRegions(of: frame).map { region in
            let responded = tally.respondedByRegion[region.name] ?? 0
            return (region.name, Rate(responded: responded, frame: region.size, percent: percent(responded, region.size), wilson95: nil))
        }
        // Regions counted under an older frame stay visible rather than vanish from the total.
        for (name, responded) in tally.respondedByRegion.sorted(by: { $0.key < $1.key }) where !regions.contains(where: { $0.region == name }) {
            regions.append((name, Rate(responded: responded, frame: 0, percent: nil, wilson95: nil)))
        }

        let fields = plan.fields.map { field in
            let counts = tally.fields[field.name] ?? PartialTally.FieldCounts()
            let codes = field.codes.map { code -> CodeSummary in
                let count = counts.codes[code] ?? 0
                if hidden(count) { return CodeSummary(code: code) }
                return CodeSummary(
                    code: code,
                    count: count,
                    percentOfAll: percent(count, counted),
                    percentOfAnswered: percent(count, counts.answered),
                    wilson95All: WilsonInterval(count: count, base: counted),
                    wilson95Answered: WilsonInterval(count: count, base: counts.answered)
                )
            }
            return FieldSummary(name: field.name, source: field.source, baseAll: counted, baseAnswered: counts.answered, codes: codes)
        }

        let numeric = plan.numeric.map { summary in
            let values = tally.numeric[summary.name] ?? NumericMultiset()
            if hidden(values.count) { return NumericSummary(name: summary.name, n: values.count) }
            return NumericSummary(name: summary.name, n: values.count, min: values.min, median: values.median, max: values.max)
        }

        let crosstabs = plan.crosstabs.map { tab in
            let rows = plan.field(named: tab.rows)?.codes ?? []
            let columns = plan.field(named: tab.columns)?.codes ?? []
            let table = tally.crosstabs[tab.name] ?? [:]
            let cells = rows.map { row in
                columns.map { column -> Int? in
                    let count = table[row]?[column] ?? 0
                    return hidden(count) ? nil : count
                }
            }
            return CrossTab(name: tab.name, rows: rows, columns: columns, cells: cells)
        }

        let formVersions = tally.formVersions.keys.sorted()
        let codebookVersions = tally.codebookVersions.keys.sorted()
        self.init(
            formId: plan.formId,
            formVersion: formVersions.count == 1 ? formVersions[0] : nil,
            formVersions: formVersions,
            referenceDate: plan.referenceDate,
            frameSize: frame.count,
            countedRespondents: counted,
            responseRate: ResponseRate(
                overall: Rate(
                    responded: counted,
                    frame: frame.count,
                    percent: percent(counted, frame.count),
                    wilson95: WilsonInterval(count: counted, base: frame.count)
                ),
                byRegion: regions
            ),
            fields: fields,
            freeText: plan.freeText.map { FreeTextSummary(name: $0.name, answered: tally.freeTextAnswered[$0.name] ?? 0) },
            numeric: numeric,
            crosstabs: crosstabs,
            paradata: tally.paradata,
            asOf: options.asOf ?? tally.asOf,
            provisional: options.provisional,
            codebookVersion: codebookVersions.count == 1 ? codebookVersions[0] : nil,
            codebookVersions: codebookVersions,
            partitions: tally.partitions,
            suppressBelow: options.suppressBelow,
            codingReview: tally.codingReview ?? [:]
        )
    }
}

extension TallyDocument.CodeSummary {
    /// A suppressed code: only its name shows.
    init(code: String) {
        self.init(code: code, count: nil, percentOfAll: nil, percentOfAnswered: nil, wilson95All: nil, wilson95Answered: nil)
    }
}
