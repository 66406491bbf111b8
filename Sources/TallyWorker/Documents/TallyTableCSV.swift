import Foundation
import SurveyEngine

/// The tally document's code rows as CSV, one row per field and code in plan order, with the
/// columns `field, code, count, base_all, pct_all, base_answered, pct_answered, ci_low, ci_high`:
/// what the dashboard's `/api/tallies.csv` serves, what `tally export --format csv` writes and
/// what the store keeps as relational rows (``Row``).
///
/// Percentages are unrounded (as in the JSON document); `ci_low`/`ci_high` are the Wilson 95%
/// interval of `pct_answered`, in percent. A base of 0 leaves its percentage and interval empty.
/// A count hidden by small-cell suppression (see ``SmallCellSuppression``) shows as `<N` with
/// empty percentages and interval.
public enum TallyTableCSV {
    /// The header row's columns.
    public static let columns = ["field", "code", "count", "base_all", "pct_all", "base_answered", "pct_answered", "ci_low", "ci_high"]

    /// One field and code: the values of one CSV line (and of one row of the store's `current_tallies`).
    public struct Row: Sendable, Hashable {
        /// The tallied field.
        public var field: String
        /// The code.
        public var code: String
        /// Respondents with the code; `nil` when suppressed.
        public var count: Int?
        /// All counted respondents.
        public var baseAll: Int
        /// 100 × count / `baseAll`; `nil` for a base of 0 or a suppressed count.
        public var percentOfAll: Double?
        /// Counted respondents who answered the field.
        public var baseAnswered: Int
        /// 100 × count / `baseAnswered`; `nil` for a base of 0 or a suppressed count.
        public var percentOfAnswered: Double?
        /// Lower end of the Wilson 95% interval of `percentOfAnswered`.
        public var intervalLow: Double?
        /// Upper end of the Wilson 95% interval of `percentOfAnswered`.
        public var intervalHigh: Double?

        /// Creates a row from its values.
        ///
        /// - Parameters:
        ///   - field: The field's name.
        ///   - code: The code within the field.
        ///   - count: Respondents with this code; `nil` when suppressed.
        ///   - baseAll: All counted respondents.
        ///   - percentOfAll: 100 × count / `baseAll`; `nil` for a base of 0 or a suppressed count.
        ///   - baseAnswered: Counted respondents who answered the field.
        ///   - percentOfAnswered: 100 × count / `baseAnswered`; `nil` for a base of 0 or a suppressed count.
        ///   - intervalLow: Lower end of the Wilson 95% interval of `percentOfAnswered`, in percent.
        ///   - intervalHigh: Upper end of the Wilson 95% interval of `percentOfAnswered`, in percent.
        public init(
            field: String,
            code: String,
            count: Int?,
            baseAll: Int,
            percentOfAll: Double?,
            baseAnswered: Int,
            percentOfAnswered: Double?,
            intervalLow: Double?,
            intervalHigh: Double?
        ) {
            self.field = field
            self.code = code
            self.count = count
            self.baseAll = baseAll
            self.percentOfAll = percentOfAll
            self.baseAnswered = baseAnswered
            self.percentOfAnswered = percentOfAnswered
            self.intervalLow = intervalLow
            self.intervalHigh = intervalHigh
        }
    }

    /// The rows of `document`, one per field and code in plan order.
    ///
    /// - Parameter document: The tally document to flatten.
    /// - Returns: One ``Row`` per code of each field, fields in plan order and codes in each field's
    ///   order; empty for a document without fields.
    public static func rows(of document: TallyDocument) -> [Row] {
        document.fields.flatMap { field in
            field.codes.map { code in
                Row(
                    field: field.name,
                    code: code.code,
                    count: code.count,
                    baseAll: field.baseAll,
                    percentOfAll: code.percentOfAll,
                    baseAnswered: field.baseAnswered,
                    percentOfAnswered: code.percentOfAnswered,
                    intervalLow: code.wilson95Answered?.lower,
                    intervalHigh: code.wilson95Answered?.upper
                )
            }
        }
    }

    /// The CSV text (header first, `\n` line ends, RFC 4180 quoting where needed).
    /// - Parameter document: the rendered document; its `suppressBelow` names the `<N` shown.
    public static func render(_ document: TallyDocument) -> String {
        render(rows(of: document), suppressBelow: document.suppressBelow)
    }

    /// The CSV text of `rows` (header first, `\n` line ends, RFC 4180 quoting where needed).
    /// - Parameters:
    ///   - rows: the rows, in the order to write them.
    ///   - suppressBelow: the threshold a hidden count (`nil`) is shown against, as `<N`; default none.
    public static func render(_ rows: [Row], suppressBelow: Int? = nil) -> String {
        var lines = [columns.joined(separator: ",")]
        let hidden = suppressBelow.map { "<\($0)" } ?? ""
        for row in rows {
            lines.append(
                [
                    quoted(row.field), quoted(row.code), row.count.map(String.init) ?? hidden,
                    String(row.baseAll), number(row.percentOfAll), String(row.baseAnswered), number(row.percentOfAnswered),
                    number(row.intervalLow), number(row.intervalHigh),
                ].joined(separator: ",")
            )
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
