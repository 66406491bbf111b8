/// A value bound to, or read from, a store statement: what both SQLite and PostgreSQL hold in
/// the store's columns (`BIGINT`, `DOUBLE PRECISION`, `TEXT`, or NULL).
public enum StoreValue: Sendable, Hashable {
    /// A whole number (`BIGINT`).
    case integer(Int64)
    /// A floating-point number (`DOUBLE PRECISION`).
    case real(Double)
    /// Text (`TEXT`).
    case text(String)
    /// SQL NULL.
    case null

    /// An integer, or NULL for `nil`.
    static func of(_ value: Int?) -> StoreValue { value.map { .integer(Int64($0)) } ?? .null }
    /// A real, or NULL for `nil`.
    static func of(_ value: Double?) -> StoreValue { value.map { .real($0) } ?? .null }
    /// Text, or NULL for `nil`.
    static func of(_ value: String?) -> StoreValue { value.map { .text($0) } ?? .null }

    /// The integer held (a real with a whole value counts), or nil.
    var int: Int? {
        switch self {
        case .integer(let v): Int(v)
        case .real(let v) where v == v.rounded(): Int(v)
        default: nil
        }
    }

    /// The number held, or nil.
    var double: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        default: nil
        }
    }

    /// The text held, or nil.
    var string: String? {
        if case .text(let v) = self { return v }
        return nil
    }
}

/// One SQL statement with `?` placeholders and the values bound to them, in the dialect both
/// backends share (PostgreSQL's `$1, $2…` are written from the `?`s).
public struct StoreStatement: Sendable, Hashable {
    /// The SQL text, with `?` for each argument (no `?` inside string literals).
    public var sql: String
    /// The values bound to the placeholders, in order.
    public var arguments: [StoreValue]

    /// A statement with its arguments.
    ///
    /// - Parameters:
    ///   - sql: The SQL text, one `?` per argument; a `?` inside a string literal would be taken for a
    ///     placeholder by ``PostgresBackend``, so pass such values as arguments.
    ///   - arguments: The values for the placeholders, in order. Default: none.
    public init(_ sql: String, _ arguments: [StoreValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }
}
