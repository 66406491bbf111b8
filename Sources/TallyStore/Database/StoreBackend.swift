/// A database the store writes to: SQLite (``SQLiteBackend``) or PostgreSQL
/// (``PostgresBackend``). The store's SQL is shared; a backend only runs it.
public protocol StoreBackend: Sendable {
    /// Where the database is, for messages (a path, or a URL without its password).
    var description: String { get }

    /// Runs `statements` in order in one transaction: all of them take effect, or none.
    /// - Throws: ``StoreError`` naming the statement that failed; nothing is written then.
    func write(_ statements: [StoreStatement]) async throws

    /// The rows `statement` selects, each a value per column in select order.
    /// - Throws: ``StoreError`` naming the statement that failed.
    func read(_ statement: StoreStatement) async throws -> [[StoreValue]]

    /// Closes the connection; the backend is unusable afterwards.
    func close() async throws
}
