extension TallyDocument {
    /// A plain-text report for people, in the manner of the 2018 report's headline figures:
    /// response rate (overall with its 95% interval, and by region), each field's codes with n,
    /// % of all counted respondents and % of those who answered, numeric summaries, cross-tabs,
    /// and what happened to the messages. Percentages are rounded to one decimal here only.
    ///
    /// - Parameter names: Only these fields, free texts, numeric summaries and cross-tabs below the
    ///   response rate (see ``textBlocks(selecting:)``), or `nil` for the whole report. Default: nil.
    /// - Returns: The report, one line per row, ending with a newline.
    public func textReport(selecting names: Set<String>? = nil) -> String {
        var lines = textHeadline()
        for block in textBlocks(selecting: names) { lines += [""] + block.lines }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One part of the text report below the headline: a field's code table, the free texts, the
    /// numeric summaries, a cross-tab, or the message counts.
    public struct TextBlock: Sendable, Hashable {
        /// What `--fields` calls it: the field's, summary's or cross-tab's name; `free text`,
        /// `numeric` and `messages` for the shared blocks.
        public var name: String
        /// The names of the document's parts the block shows (a field, or each free text or
        /// numeric summary it lists).
        public var shows: [String]
        /// Its lines, the first a title, without trailing newlines.
        public var lines: [String]
    }

    /// The report's top: form, status, `as_of`, codebook version, the suppression note, a blank
    /// line, then the response rate against the frame, overall and per region.
    public func textHeadline() -> [String] {
        var lines: [String] = []
        lines.append(textStatusLine())
        if let suppressBelow { lines.append("Counts from 1 to \(suppressBelow - 1) are suppressed (shown as *).") }
        lines.append("")
        lines.append(textResponseRateLine())
        let regionWidth = responseRate.byRegion.map(\.region.count).max() ?? 0
        for (region, rate) in responseRate.byRegion {
            lines.append(
                "  " + Self.pad(region, regionWidth) + "  " + Self.left("\(rate.responded) / \(rate.frame)", 9)
                    + Self.left(Self.percent(rate.percent), 8)
            )
        }
        return lines
    }

    /// `<form>: provisional tally as of <as_of>, codebook <version>`.
    public func textStatusLine() -> String {
        let status = provisional ? "provisional" : "final"
        var heading = "\(formId): \(status) tally"
        if let asOf { heading += " as of \(asOf)" }
        if !codebookVersions.isEmpty { heading += ", codebook \(codebookVersions.joined(separator: " + "))" }
        return heading
    }

    /// `Counted respondents: 60 of 152 (39.5%, 95% CI 32.1–47.4%)`.
    public func textResponseRateLine() -> String {
        let overall = responseRate.overall
        var rate = "Counted respondents: \(overall.responded) of \(overall.frame) (\(Self.percent(overall.percent))"
        if let w = overall.wilson95 { rate += ", 95% CI \(Self.decimal(w.lower))–\(Self.decimal(w.upper))%" }
        return rate + ")"
    }

    /// The response rate per region on one line: `North 12/30 40.0% · South …`; empty without regions.
    public func textRegionsLine() -> String {
        responseRate.byRegion.map { "\($0.region) \($0.rate.responded)/\($0.rate.frame) \(Self.percent($0.rate.percent))" }
            .joined(separator: " · ")
    }

    /// Every name ``textBlocks(selecting:)`` accepts: fields, free texts, numeric summaries and
    /// cross-tabs, in report order.
    public var textBlockNames: [String] {
        fields.map(\.name) + freeText.map(\.name) + numeric.map(\.name) + crosstabs.map(\.name)
    }

    /// The report below the headline, in blocks: each field, the free texts, the numeric
    /// summaries, each cross-tab, and the message counts.
    ///
    /// - Parameter names: Only these fields, free texts, numeric summaries and cross-tabs (names
    ///   from ``textBlockNames``; the message counts are left out), or `nil` for the whole report.
    ///   Default: nil.
    /// - Returns: The blocks in report order; the shared blocks list only the selected parts.
    public func textBlocks(selecting names: Set<String>? = nil) -> [TextBlock] {
        func picked(_ name: String) -> Bool { names?.contains(name) ?? true }
        var blocks: [TextBlock] = []
        for field in fields where picked(field.name) {
            var lines = ["\(field.name)  (answered \(field.baseAnswered) of \(field.baseAll); from \(field.source.joined(separator: ", ")))"]
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
            blocks.append(TextBlock(name: field.name, shows: [field.name], lines: lines))
        }

        let texts = freeText.filter { picked($0.name) }
        if !texts.isEmpty {
            let line = "Free text (not coded): " + texts.map { "\($0.name) answered by \($0.answered)" }.joined(separator: "; ")
            blocks.append(TextBlock(name: "free text", shows: texts.map(\.name), lines: [line]))
        }

        let summaries = numeric.filter { picked($0.name) }
        if !summaries.isEmpty {
            var lines = ["Numeric summaries"]
            let width = summaries.map(\.name.count).max() ?? 0
            for summary in summaries {
                var line = "  " + Self.pad(summary.name, width) + "  n=\(summary.n)"
                if let min = summary.min, let median = summary.median, let max = summary.max {
                    line += "  min \(Self.number(min))  median \(Self.number(median))  max \(Self.number(max))"
                } else if summary.n > 0 {
                    line += "  (values suppressed)"
                }
                lines.append(line)
            }
            blocks.append(TextBlock(name: "numeric", shows: summaries.map(\.name), lines: lines))
        }

        for tab in crosstabs where picked(tab.name) {
            var lines = ["Cross-tab \(tab.name) (respondents)"]
            let rowWidth = tab.rows.map(\.count).max() ?? 0
            let columnWidths = tab.columns.map { max($0.count, 3) + 2 }
            lines.append("  " + Self.pad("", rowWidth) + zip(tab.columns, columnWidths).map { Self.left($0, $1) }.joined())
            for (row, cells) in zip(tab.rows, tab.cells) {
                lines.append("  " + Self.pad(row, rowWidth) + zip(cells, columnWidths).map { Self.left($0.map(String.init) ?? "*", $1) }.joined())
            }
            blocks.append(TextBlock(name: tab.name, shows: [tab.name], lines: lines))
        }

        if names == nil { blocks.append(TextBlock(name: "messages", shows: [], lines: textMessageLines())) }
        return blocks
    }

    /// What happened to the messages: received, valid, accepted, edits, re-sends, rejected (by
    /// reason and problem), and the coding review queue when known.
    private func textMessageLines() -> [String] {
        var lines: [String] = []
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
        return lines
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
