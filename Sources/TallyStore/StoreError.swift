/// Why the store could not be opened, migrated, written or read: a message a person can act
/// on, naming the database and what failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The `--database` / `--store` value is neither a file path nor a usable `postgres://` URL.
        case invalidLocation = "invalid_location"
        /// There is no store at the location (export reads existing stores only).
        case notFound = "not_found"
        /// The database refused a statement, or the connection failed.
        case database
        /// The database holds data the store cannot read back (another program's tables, a newer version).
        case corrupt
    }

    /// The kind of failure.
    public var code: Code
    /// The explanation, naming the database and the statement or value.
    public var message: String

    /// An error of `code` with `message`.
    ///
    /// - Parameters:
    ///   - code: The kind of failure, which callers switch on (`tally export` maps it to its exit status).
    ///   - message: The explanation shown to the operator: name the database and the statement or value,
    ///     and never include a password.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `message`.
    public var description: String { message }
}
