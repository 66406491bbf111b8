import Foundation
import SurveyEngine

/// The tally document's code rows as CSV, one row per field and code in plan order, with the
/// columns `field, code, count, base_all, pct_all, base_answered, pct_answered, ci_low, ci_high`:
/// what the dashboard's `/api/tallies.csv` serves and what `tally export --format csv` writes.
///
/// Percentages are unrounded (as in the JSON document); `ci_low`/`ci_high` are the Wilson 95%
/// interval of `pct_answered`, in percent. A base of 0 leaves its percentage and interval empty.
/// A count hidden by small-cell suppression (see ``SmallCellSuppression``) shows as `<N` with
/// empty percentages and interval.
public enum TallyTableCSV {
    /// The header row's columns.
    public static let columns = ["field", "code", "count", "base_all", "pct_all", "base_answered", "pct_answered", "ci_low", "ci_high"]

    /// The CSV text (header first, `\n` line ends, RFC 4180 quoting where needed).
    /// - Parameter document: the rendered document; its `suppressBelow` names the `<N` shown.
    public static func render(_ document: TallyDocument) -> String {
        var lines = [columns.joined(separator: ",")]
        let hidden = document.suppressBelow.map { "<\($0)" } ?? ""
        for field in document.fields {
            for code in field.codes {
                let interval = code.wilson95Answered
                lines.append([quoted(field.name), quoted(code.code), code.count.map(String.init) ?? hidden,
                              String(field.baseAll), number(code.percentOfAll), String(field.baseAnswered), number(code.percentOfAnswered),
                              number(interval?.lower), number(interval?.upper)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A number as the JSON document writes it (shortest round-trip form), or empty for `nil`.
    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `text` quoted when it holds a comma, a quote or a line break.
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
