import Foundation

extension CodebookCheck {
    /// The printed report: a table of precision, recall and kappa per field, the numbers read,
    /// the review queue's share and catch rate, then (unless `brief`) the rules that fired where gold
    /// disagrees, and every disagreement with its texts and the evidence that fired.
    ///
    /// - Parameters:
    ///   - brief: leave out the list of disagreements.
    ///   - allRules: list every rule that fired with its agreement, not only those gold disagrees with.
    public func report(brief: Bool = false, allRules: Bool = false) -> String {
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = ["field                   TP   FP   FN     TN  precision  recall  kappa"]
        for field in fields {
            lines.append(
                pad(field.field, 22)
                    + String(
                        format: " %4d %4d %4d %6d",
                        field.truePositive,
                        field.falsePositive,
                        field.falseNegative,
                        field.trueNegative
                    )
                    + "      \(f(field.precision))   \(f(field.recall))  \(f(field.kappa))"
            )
        }
        for number in numbers {
            lines.append(
                "\(number.name): \(number.exact) of \(number.stated) stated read exactly"
                    + (number.misread.isEmpty ? "" : "; differs: " + number.misread.joined(separator: "; "))
            )
        }
        lines.append(
            "review: \(reviewedTexts) of \(answeredTexts) answered texts (\(String(format: "%.1f", 100 * reviewShare))%); "
                + "catches \(caughtPairs) of \(disagreeingPairs) disagreeing (text, code) pairs (\(String(format: "%.1f", 100 * catchRate))%)"
        )
        let listed = allRules ? rules : brief ? [] : rules.filter { $0.agreed < $0.fired }
        if !listed.isEmpty {
            lines.append("")
            lines.append(
                "rules that fired\(allRules ? "" : " where gold disagrees") (texts agreeing / fired; lowest confidence seen):"
            )
            for rule in listed {
                lines.append("- \(rule.rule) → \(rule.code): \(rule.agreed)/\(rule.fired) (\(f(rule.confidence)))")
            }
        }
        guard !brief else { return lines.joined(separator: "\n") + "\n" }
        if !textDisagreements.isEmpty {
            lines.append("")
            lines.append("disagreeing (text, code) pairs (\(textDisagreements.count)):")
            for pair in textDisagreements {
                lines.append(
                    "- \(pair.respondentID) \(pair.source) \(pair.field) \(pair.kind.rawValue) \(pair.code)"
                        + (pair.reviewed ? " [in review]" : "")
                )
            }
        }
        guard !disagreements.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        lines.append("")
        lines.append("disagreements (\(disagreements.count)):")
        for item in disagreements {
            lines.append("- \(item.respondentID) \(item.field) \(item.kind.rawValue) \(item.code)\(item.reviewed ? " [in review]" : "")")
            for text in item.texts { lines.append("    \(text.source): \(text.text)") }
            for evidence in item.evidence {
                lines.append(
                    "    fired \(evidence.rule) → \(evidence.code) on \"\(evidence.matched)\""
                        + (evidence.confidence < 1 ? " (confidence \(f(evidence.confidence)))" : "")
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
