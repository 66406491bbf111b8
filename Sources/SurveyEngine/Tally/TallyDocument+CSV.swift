import Foundation

extension TallyDocument {
    /// The columns of ``csv()``, in order.
    public static let csvHeader = ["field", "code", "count", "base_all", "base_answered", "percent_of_all", "percent_of_answered",
                                   "wilson95_all_low", "wilson95_all_high", "wilson95_answered_low", "wilson95_answered_high"]

    /// The per-code rows as CSV: a header line, then one row per field (plan order) and code
    /// (sorted by name). Whole numbers are written as integers, others to four decimals; a
    /// suppressed or undefined figure is an empty cell.
    public func csv() -> String {
        func number(_ value: Double?) -> String {
            guard let n = value else { return "" }
            return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(format: "%.4f", n)
        }
        func cell(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = [Self.csvHeader.joined(separator: ",")]
        for field in fields {
            for code in field.codes.sorted(by: { $0.code < $1.code }) {
                lines.append([cell(field.name), cell(code.code), number(code.count.map(Double.init)),
                              number(Double(field.baseAll)), number(Double(field.baseAnswered)),
                              number(code.percentOfAll), number(code.percentOfAnswered),
                              number(code.wilson95All?.lower), number(code.wilson95All?.upper),
                              number(code.wilson95Answered?.lower), number(code.wilson95Answered?.upper)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
