import Foundation

/// A compact text table: a title, a header row and right-aligned figures, printed at once.
struct ResultTable {
    var title: String
    var columns: [String]
    private(set) var rows: [[String]] = []
    /// Lines printed under the table (targets, notes).
    var notes: [String] = []

    init(_ title: String, columns: [String]) {
        self.title = title
        self.columns = columns
    }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }
    mutating func note(_ line: String) { notes.append(line) }

    /// The table as lines: the first column left-aligned, the others right-aligned.
    func render() -> String {
        let all = [columns] + rows
        let widths = columns.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = [title, line(columns), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += rows.map(line)
        out += notes.map { "  " + $0 }
        return out.joined(separator: "\n")
    }

    func print() { Console.line(render()) }
}
