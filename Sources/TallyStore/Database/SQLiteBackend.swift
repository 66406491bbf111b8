import Foundation
import GRDB

/// The embedded store: a SQLite file through GRDB, in WAL mode (a `DatabasePool`), so analysts'
/// tools read it while the store writes. Each ``write(_:)`` is one immediate transaction.
public final class SQLiteBackend: StoreBackend {
    private let pool: DatabasePool
    /// The file's path.
    public let path: String

    /// Opens (or creates) the database file at `path`.
    /// - Parameters:
    ///   - path: the file; its folder must exist.
    ///   - create: whether a missing file is created (the store) or an error (export).
    /// - Throws: ``StoreError`` `.notFound` for a missing file when `create` is false, `.database`
    ///   when SQLite cannot open it.
    public init(path: String, create: Bool = true) throws(StoreError) {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.notFound, "no tally store at \(path): start tally-store with --database \(path) first")
        }
        var configuration = Configuration()
        configuration.label = "tally-store"
        // A reader (an analyst's tool, tally export) may hold the file briefly; wait rather than fail.
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.database, "cannot open the SQLite store \(path): \(error)")
        }
        self.path = path
    }

    public var description: String { "sqlite:\(path)" }

    /// Runs `statements` in order in one write transaction: all of them take effect, or none.
    ///
    /// Waits up to 10 seconds for a reader holding the file before failing.
    ///
    /// - Parameter statements: The statements to run, with `?` placeholders bound to their arguments;
    ///   an empty array commits an empty transaction.
    /// - Throws: ``StoreError`` `.database` with SQLite's message and the failing statement's SQL;
    ///   nothing is written then.
    public func write(_ statements: [StoreStatement]) async throws {
        let path = path
        do {
            try await pool.write { db in
                for statement in statements {
                    try db.execute(sql: statement.sql, arguments: StatementArguments(statement.arguments.map(Self.databaseValue)))
                }
            }
        } catch let error as DatabaseError {
            throw StoreError(.database, "SQLite store \(path): \(error.message ?? "\(error)") in \(error.sql ?? "?")")
        }
    }

    /// The rows `statement` selects, each a value per column in select order.
    ///
    /// Reads from a snapshot of the file, so it does not wait for a writer.
    ///
    /// - Parameter statement: A query with `?` placeholders bound to its arguments.
    /// - Returns: The rows in the order SQLite returns them (add `ORDER BY` to fix it); empty when none
    ///   match. Integers come back as `.integer`, floats as `.real`, text as `.text`, `NULL` as `.null`.
    /// - Throws: ``StoreError`` `.database` with SQLite's message and the statement's SQL.
    public func read(_ statement: StoreStatement) async throws -> [[StoreValue]] {
        let path = path
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: statement.sql, arguments: StatementArguments(statement.arguments.map(Self.databaseValue)))
                    .map { row in row.databaseValues.map(Self.storeValue) }
            }
        } catch let error as DatabaseError {
            throw StoreError(.database, "SQLite store \(path): \(error.message ?? "\(error)") in \(statement.sql)")
        }
    }

    public func close() async throws {
        try pool.close()
    }

    private static func databaseValue(_ value: StoreValue) -> DatabaseValue {
        switch value {
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .null: .null
        }
    }

    private static func storeValue(_ value: DatabaseValue) -> StoreValue {
        switch value.storage {
        case .int64(let v): .integer(v)
        case .double(let v): .real(v)
        case .string(let v): .text(v)
        case .blob(let v): .text(String(decoding: v, as: UTF8.self))
        case .null: .null
        }
    }
}
