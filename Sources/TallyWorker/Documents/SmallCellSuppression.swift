import SurveyEngine

/// Small-cell suppression of a rendered tally document: what `?suppress=N` and
/// `--suppress-below N` apply before anything is shown or exported.
///
/// A count in `1..<N` is hidden (primary suppression, done by `TallyDocument` itself). Then the
/// complements that would reveal a hidden count are hidden too:
/// - a code whose complement among those who answered (`base_answered − count`) is in `1..<N`,
///   since "not X" would be a small cell worked out by subtraction;
/// - in a field whose codes partition the answered base (single-choice options and bands), when
///   exactly one code is hidden, the smallest other non-zero code, since the base minus the
///   visible codes would give the hidden one back;
/// - in a cross-tab, the same rule per row and per column.
/// Hidden counts have no percentages or intervals. Zeros are shown: they reveal no person.
public enum SmallCellSuppression {
    /// `document` with counts below `threshold` and their revealing complements hidden; the
    /// document's `suppressBelow` records the threshold.
    /// - Parameters:
    ///   - document: a document rendered without suppression or with the same threshold.
    ///   - threshold: the smallest count shown; 1 or less changes nothing.
    ///   - plan: the plan the document was rendered with (which fields partition their base).
    public static func apply(to document: TallyDocument, below threshold: Int, plan: TallyPlan) -> TallyDocument {
        guard threshold > 1 else { return document }
        var document = document
        document.suppressBelow = threshold
        func small(_ count: Int) -> Bool { count > 0 && count < threshold }
        for f in document.fields.indices {
            var field = document.fields[f]
            var hidden = field.codes.map { code in code.count.map { small($0) || small(field.baseAnswered - $0) } ?? true }
            if plan.field(named: field.name).map(partitionsBase) ?? false {
                hideOneMore(counts: field.codes.map(\.count), hidden: &hidden)
            }
            for c in field.codes.indices where hidden[c] { hide(&field.codes[c]) }
            document.fields[f] = field
        }
        for t in document.crosstabs.indices {
            var tab = document.crosstabs[t]
            var hidden = tab.cells.map { row in row.map { $0.map(small) ?? true } }
            for r in hidden.indices { hideOneMore(counts: tab.cells[r], hidden: &hidden[r]) }
            for c in tab.columns.indices {
                var column = hidden.map { $0[c] }
                hideOneMore(counts: tab.cells.map { $0[c] }, hidden: &column)
                for r in hidden.indices { hidden[r][c] = column[r] }
            }
            for r in tab.cells.indices { for c in tab.cells[r].indices where hidden[r][c] { tab.cells[r][c] = nil } }
            document.crosstabs[t] = tab
        }
        for n in document.numeric.indices where small(document.numeric[n].n) {
            document.numeric[n].min = nil
            document.numeric[n].median = nil
            document.numeric[n].max = nil
        }
        return document
    }

    /// Whether every answering respondent has exactly one of the field's codes.
    static func partitionsBase(_ field: TallyField) -> Bool {
        switch field.origin {
        case .options(_, let multi): !multi
        case .band: true
        case .coded: false
        }
    }

    /// When exactly one non-zero count is hidden (`nil`: hidden before), hides the smallest
    /// visible non-zero one too.
    static func hideOneMore(counts: [Int?], hidden: inout [Bool]) {
        guard counts.indices.filter({ hidden[$0] && (counts[$0] ?? 1) > 0 }).count == 1 else { return }
        let candidates = counts.indices.filter { !hidden[$0] && (counts[$0] ?? 0) > 0 }
        if let smallest = candidates.min(by: { (counts[$0] ?? 0) < (counts[$1] ?? 0) }) { hidden[smallest] = true }
    }

    private static func hide(_ code: inout TallyDocument.CodeSummary) {
        code.count = nil
        code.percentOfAll = nil
        code.percentOfAnswered = nil
        code.wilson95All = nil
        code.wilson95Answered = nil
    }
}
