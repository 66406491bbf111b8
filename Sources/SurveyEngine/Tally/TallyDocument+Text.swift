extension TallyDocument {
    /// A plain-text report for people, in the manner of the 2018 report's headline figures:
    /// response rate (overall with its 95% interval, and by region), each field's codes with n,
    /// % of all counted respondents and % of those who answered, numeric summaries, cross-tabs,
    /// and what happened to the messages. Percentages are rounded to one decimal here only.
    public func textReport() -> String {
        var lines: [String] = []
        let status = provisional ? "provisional" : "final"
        var heading = "\(formId): \(status) tally"
        if let asOf { heading += " as of \(asOf)" }
        if !codebookVersions.isEmpty { heading += ", codebook \(codebookVersions.joined(separator: " + "))" }
        lines.append(heading)
        if let suppressBelow { lines.append("Counts from 1 to \(suppressBelow - 1) are suppressed (shown as *).") }
        lines.append("")

        let overall = responseRate.overall
        var rate = "Counted respondents: \(overall.responded) of \(overall.frame) (\(Self.percent(overall.percent))"
        if let w = overall.wilson95 { rate += ", 95% CI \(Self.decimal(w.lower))–\(Self.decimal(w.upper))%" }
        lines.append(rate + ")")
        let regionWidth = responseRate.byRegion.map(\.region.count).max() ?? 0
        for (region, rate) in responseRate.byRegion {
            lines.append(
                "  " + Self.pad(region, regionWidth) + "  " + Self.left("\(rate.responded) / \(rate.frame)", 9)
                    + Self.left(Self.percent(rate.percent), 8)
            )
        }

        for field in fields {
            lines.append("")
            lines.append("\(field.name)  (answered \(field.baseAnswered) of \(field.baseAll); from \(field.source.joined(separator: ", ")))")
            let width = max(field.codes.map(\.code.count).max() ?? 0, 4)
            lines.append(
                "  " + Self.pad("code", width) + Self.left("n", 7) + Self.left("% all", 9) + Self.left("% answ.", 9) + "   95% CI (answered)"
            )
            for code in field.codes {
                let ci = code.wilson95Answered.map { "   \(Self.decimal($0.lower))–\(Self.decimal($0.upper))" } ?? ""
                lines.append(
                    "  " + Self.pad(code.code, width) + Self.left(code.count.map(String.init) ?? "*", 7)
                        + Self.left(Self.percent(code.percentOfAll), 9) + Self.left(Self.percent(code.percentOfAnswered), 9) + ci
                )
            }
        }

        if !freeText.isEmpty {
            lines.append("")
            lines.append("Free text (not coded): " + freeText.map { "\($0.name) answered by \($0.answered)" }.joined(separator: "; "))
        }

        if !numeric.isEmpty {
            lines.append("")
            lines.append("Numeric summaries")
            let width = numeric.map(\.name.count).max() ?? 0
            for summary in numeric {
                var line = "  " + Self.pad(summary.name, width) + "  n=\(summary.n)"
                if let min = summary.min, let median = summary.median, let max = summary.max {
                    line += "  min \(Self.number(min))  median \(Self.number(median))  max \(Self.number(max))"
                } else if summary.n > 0 {
                    line += "  (values suppressed)"
                }
                lines.append(line)
            }
        }

        for tab in crosstabs {
            lines.append("")
            lines.append("Cross-tab \(tab.name) (respondents)")
            let rowWidth = tab.rows.map(\.count).max() ?? 0
            let columnWidths = tab.columns.map { max($0.count, 3) + 2 }
            lines.append("  " + Self.pad("", rowWidth) + zip(tab.columns, columnWidths).map { Self.left($0, $1) }.joined())
            for (row, cells) in zip(tab.rows, tab.cells) {
                lines.append("  " + Self.pad(row, rowWidth) + zip(cells, columnWidths).map { Self.left($0.map(String.init) ?? "*", $1) }.joined())
            }
        }

        lines.append("")
        lines.append(
            "Messages: received \(paradata.received), valid \(paradata.valid), accepted first submissions \(paradata.acceptedFirstSubmissions), "
                + "accepted edits \(paradata.acceptedEdits), identical re-sends (no-op) \(paradata.noopIdenticalResends), rejected \(paradata.rejectedTotal)"
        )
        let reasons = RejectionReason.allCases.compactMap { reason in paradata.rejectedByReason[reason.rawValue].map { "\(reason.rawValue) \($0)" } }
        if !reasons.isEmpty { lines.append("  rejected by reason: " + reasons.joined(separator: ", ")) }
        if !paradata.invalidProblemsByCode.isEmpty {
            lines.append(
                "  invalid messages by problem: "
                    + paradata.invalidMessagesByProblemCode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            )
        }
        if let codingReview {
            let total = codingReview.values.reduce(0, +)
            lines.append(
                "Coding review: \(total) texts waiting"
                    + (codingReview.isEmpty
                        ? ""
                        : " ("
                            + codingReview.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `x` as the JSON document writes it (`12`, `12.5`).
    private static func number(_ x: Double) -> String { JSONWriter().string(.number(x)) }

    private static func decimal(_ x: Double) -> String {
        let tenths = (x * 10).rounded()
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }

    private static func percent(_ x: Double?) -> String { x.map { decimal($0) + "%" } ?? "–" }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func left(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
