import Foundation

/// Number formatting shared by the benchmarks.
enum Figure {
    /// `12,345` style for rates and counts.
    static func count(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let whole = Int(value.rounded())
        let digits = String(abs(whole))
        var grouped = ""
        for (n, ch) in digits.reversed().enumerated() {
            if n > 0 && n % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return (whole < 0 ? "-" : "") + String(grouped.reversed())
    }

    static func count(_ value: Int) -> String { count(Double(value)) }

    /// Fixed decimals.
    static func fixed(_ value: Double, _ decimals: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(decimals)f", value) : "-"
    }

    /// `met` / `NOT met` against a target.
    static func verdict(_ met: Bool) -> String { met ? "met" : "NOT met" }
}
