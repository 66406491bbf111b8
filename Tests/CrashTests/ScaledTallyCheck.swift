import SurveyEngine

/// Checks that one tally document is another scaled by a whole factor: every count (respondents,
/// frame, bases, code counts, cross-tab cells, numeric n, paradata) `factor` times as large, and
/// every percentage, minimum, median and maximum identical. Wilson intervals are not compared
/// (they narrow as the base grows).
struct ScaledTallyCheck {
    var factor: Int

    /// One line per difference, naming the path.
    func differences(base: TallyDocument, scaled: TallyDocument) -> [String] {
        var found: [String] = []
        func count(_ path: String, _ b: Int?, _ s: Int?) {
            if b.map({ $0 * factor }) != s {
                found.append("\(path): expected \(b.map { String($0 * factor) } ?? "nil"), got \(s.map(String.init) ?? "nil")")
            }
        }
        func same(_ path: String, _ b: Double?, _ s: Double?) {
            if b != s { found.append("\(path): expected \(b.map { "\($0)" } ?? "nil"), got \(s.map { "\($0)" } ?? "nil")") }
        }
        count("frame_size", base.frameSize, scaled.frameSize)
        count("counted_respondents", base.countedRespondents, scaled.countedRespondents)
        count("response_rate.overall.responded", base.responseRate.overall.responded, scaled.responseRate.overall.responded)
        count("response_rate.overall.frame", base.responseRate.overall.frame, scaled.responseRate.overall.frame)
        same("response_rate.overall.percent", base.responseRate.overall.percent, scaled.responseRate.overall.percent)
        let regions = Dictionary(scaled.responseRate.byRegion.map { ($0.region, $0.rate) }, uniquingKeysWith: { a, _ in a })
        if regions.count != base.responseRate.byRegion.count {
            found.append("response_rate.by_region: \(regions.count) regions, expected \(base.responseRate.byRegion.count)")
        }
        for (region, rate) in base.responseRate.byRegion {
            let path = "response_rate.by_region.\(region)"
            count(path + ".responded", rate.responded, regions[region]?.responded)
            count(path + ".frame", rate.frame, regions[region]?.frame)
            same(path + ".percent", rate.percent, regions[region]?.percent)
        }
        let fields = Dictionary(scaled.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if fields.count != base.fields.count { found.append("fields: \(fields.count) fields, expected \(base.fields.count)") }
        for field in base.fields {
            let path = "fields.\(field.name)"
            guard let other = fields[field.name] else {
                found.append(path + ": missing")
                continue
            }
            count(path + ".base_all", field.baseAll, other.baseAll)
            count(path + ".base_answered", field.baseAnswered, other.baseAnswered)
            let codes = Dictionary(other.codes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            if codes.count != field.codes.count { found.append(path + ".codes: \(codes.count) codes, expected \(field.codes.count)") }
            for code in field.codes {
                let codePath = "\(path).codes.\(code.code)"
                count(codePath + ".count", code.count, codes[code.code]?.count)
                same(codePath + ".percent_of_all", code.percentOfAll, codes[code.code]?.percentOfAll)
                same(codePath + ".percent_of_answered", code.percentOfAnswered, codes[code.code]?.percentOfAnswered)
            }
        }
        let texts = Dictionary(scaled.freeText.map { ($0.name, $0.answered) }, uniquingKeysWith: { a, _ in a })
        for text in base.freeText { count("free_text.\(text.name).answered", text.answered, texts[text.name]) }
        let numeric = Dictionary(scaled.numeric.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for summary in base.numeric {
            let path = "numeric.\(summary.name)"
            count(path + ".n", summary.n, numeric[summary.name]?.n)
            same(path + ".min", summary.min, numeric[summary.name]?.min)
            same(path + ".median", summary.median, numeric[summary.name]?.median)
            same(path + ".max", summary.max, numeric[summary.name]?.max)
        }
        let crosstabs = Dictionary(scaled.crosstabs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for table in base.crosstabs {
            guard let other = crosstabs[table.name], other.rows == table.rows, other.columns == table.columns else {
                found.append("crosstabs.\(table.name): missing or shaped differently")
                continue
            }
            for (r, row) in table.rows.enumerated() {
                for (c, column) in table.columns.enumerated() {
                    count("crosstabs.\(table.name).\(row).\(column)", table.cells[r][c], other.cells[r][c])
                }
            }
        }
        let (p, q) = (base.paradata, scaled.paradata)
        count("paradata.received", p.received, q.received)
        count("paradata.accepted_first_submissions", p.acceptedFirstSubmissions, q.acceptedFirstSubmissions)
        count("paradata.accepted_edits", p.acceptedEdits, q.acceptedEdits)
        count("paradata.noop_identical_resends", p.noopIdenticalResends, q.noopIdenticalResends)
        for (name, b, s) in [
            ("rejected_by_reason", p.rejectedByReason, q.rejectedByReason),
            ("invalid_problems_by_code", p.invalidProblemsByCode, q.invalidProblemsByCode),
            ("invalid_messages_by_problem_code", p.invalidMessagesByProblemCode, q.invalidMessagesByProblemCode),
            ("accepted_versions_per_day", p.acceptedVersionsPerDay, q.acceptedVersionsPerDay),
        ] {
            for key in Set(b.keys).union(s.keys).sorted() { count("paradata.\(name).\(key)", b[key] ?? 0, s[key] ?? 0) }
        }
        return found
    }
}
