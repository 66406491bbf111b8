/// A cross-tab of two tallied fields: rows and columns are their codes in plan order; a cell
/// counts respondents holding both codes.
public struct CrossTabPlan: Sendable, Hashable {
    /// The name in the document, e.g. `established_band x care_trend`.
    public var name: String
    /// The field whose codes are the rows.
    public var rows: String
    /// The field whose codes are the columns.
    public var columns: String

    /// Creates a cross-tab plan.
    ///
    /// - Parameters:
    ///   - name: The name in the document, e.g. `established_band x care_trend`.
    ///   - rows: The tallied field whose codes are the rows.
    ///   - columns: The tallied field whose codes are the columns.
    public init(name: String, rows: String, columns: String) {
        self.name = name
        self.rows = rows
        self.columns = columns
    }
}
