import Foundation

/// Where the store keeps its tables: a SQLite file (the default, embedded) or a PostgreSQL
/// database given by URL, as `--database` and `tally export --store` take it.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// A PostgreSQL server: `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    public struct Postgres: Sendable, Hashable {
        /// Host name or address. Default: `127.0.0.1`.
        public var host = "127.0.0.1"
        /// Port. Default: 5432.
        public var port = 5432
        /// User name. Default: `postgres`.
        public var username = "postgres"
        /// Password, if any.
        public var password: String?
        /// Database name. Default: the user name.
        public var database: String?
        /// TLS use: `disable`, `prefer` (TLS when the server offers it) or `require`. Default: `prefer`.
        public var sslMode = "prefer"

        /// Defaults for everything.
        public init() {}
    }

    /// A SQLite database file (created when missing; WAL mode).
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(Postgres)

    /// Reads `--database`: a `postgres://` or `postgresql://` URL, or else a file path.
    ///
    /// Surrounding spaces are trimmed. Anything not starting with one of the two schemes is a SQLite
    /// path, taken as written (relative to the working directory). From a URL, the port defaults to
    /// 5432, the user to `postgres` and the database to the user name; user and password are
    /// percent-decoded, and `sslmode` may be `disable`, `prefer` (the default) or `require`.
    ///
    /// - Parameter text: The option's value, e.g. `tally.sqlite` or
    ///   `postgres://tally:secret@db.example:5432/tallies?sslmode=require`.
    /// - Throws: ``StoreError`` `.invalidLocation` for an empty value, a URL without a host, or another
    ///   `sslmode`; the message shows the URL with its password as `***`.
    public init(_ text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw StoreError(.invalidLocation, "the database location is empty: give a SQLite file path or a postgres:// URL")
        }
        guard trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") else {
            self = .sqlite(path: trimmed)
            return
        }
        guard let url = URLComponents(string: trimmed), let host = url.host, !host.isEmpty else {
            throw StoreError(.invalidLocation, "'\(Self.redacted(trimmed))' is not a postgres://user:password@host:port/database URL")
        }
        var postgres = Postgres()
        postgres.host = host
        postgres.port = url.port ?? 5432
        if let user = url.user, !user.isEmpty { postgres.username = user.removingPercentEncoding ?? user }
        postgres.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        let name = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        postgres.database = name.isEmpty ? nil : name
        if let mode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard ["disable", "prefer", "require"].contains(mode) else {
                throw StoreError(.invalidLocation, "sslmode=\(mode) is not one of: disable, prefer, require")
            }
            postgres.sslMode = mode
        }
        self = .postgres(postgres)
    }

    /// The location for messages and logs, without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let p): "postgres://\(p.username)@\(p.host):\(p.port)/\(p.database ?? p.username)"
        }
    }

    private static func redacted(_ url: String) -> String {
        url.replacing(/:[^:@\/]*@/, with: ":***@")
    }
}
