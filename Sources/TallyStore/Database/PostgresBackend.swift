import Logging
import PostgresNIO

/// The store in PostgreSQL, through one PostgresNIO connection (the store writes one batch at a
/// time). Each ``write(_:)`` is one transaction (`BEGIN` … `COMMIT`, `ROLLBACK` on failure).
public final class PostgresBackend: StoreBackend {
    private let connection: PostgresConnection
    private let logger: Logger
    /// The server and database, without the password.
    public let description: String

    private init(connection: PostgresConnection, logger: Logger, description: String) {
        self.connection = connection
        self.logger = logger
        self.description = description
    }

    /// Connects to `location`.
    ///
    /// Opens one connection, used for every statement from then on. `sslMode` `disable` connects in
    /// plain text, `require` fails without TLS, and anything else (`prefer`) uses TLS when the server
    /// offers it; certificates are verified with the system's trust roots.
    ///
    /// - Parameters:
    ///   - location: The server, port, user, password, database and TLS mode (see ``StoreLocation``).
    ///   - logger: Receives the connection's and each query's log messages.
    /// - Returns: A connected backend; ``close()`` it when done.
    /// - Throws: ``StoreError`` `.database` when TLS cannot be set up, or the server cannot be reached
    ///   or refuses the login; the message names the server without the password.
    public static func connect(_ location: StoreLocation.Postgres, logger: Logger) async throws -> PostgresBackend {
        let description = StoreLocation.postgres(location).description
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.sslMode {
            case "disable": tls = .disable
            case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw StoreError(.database, "\(description): cannot set up TLS: \(error)")
        }
        let configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: tls
        )
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresBackend(connection: connection, logger: logger, description: description)
        } catch {
            throw StoreError(.database, "cannot connect to \(description): \(String(reflecting: error))")
        }
    }

    /// Runs `statements` in order in one transaction: all of them take effect, or none.
    ///
    /// Each `?` becomes `$1, $2…` in order, its value bound (not spliced into the SQL).
    ///
    /// - Parameter statements: The statements to run; an empty array commits an empty transaction.
    /// - Throws: ``StoreError`` `.database` with the server's error (from the statement, the commit or
    ///   the `BEGIN`); the transaction is rolled back, nothing is written.
    public func write(_ statements: [StoreStatement]) async throws {
        let logger = logger
        do {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in statements {
                    try await connection.query(Self.query(statement), logger: logger)
                }
            }
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.commitError ?? error.beginError
            throw StoreError(.database, "\(description): \(cause.map { String(reflecting: $0) } ?? "\(error)")")
        }
    }

    /// The rows `statement` selects, each a value per column in select order.
    ///
    /// - Parameter statement: A query with `?` placeholders, sent as `$1, $2…` with its values bound.
    /// - Returns: Every row, read in full before returning, in the order the server sends them (add
    ///   `ORDER BY` to fix it); empty when none match.
    /// - Throws: ``StoreError`` `.database` with the server's error and the statement's SQL.
    public func read(_ statement: StoreStatement) async throws -> [[StoreValue]] {
        do {
            var rows: [[StoreValue]] = []
            for try await row in try await connection.query(Self.query(statement), logger: logger) {
                rows.append(try row.map(Self.storeValue))
            }
            return rows
        } catch let error as PSQLError {
            throw StoreError(.database, "\(description): \(String(reflecting: error)) in \(statement.sql)")
        }
    }

    public func close() async throws {
        try await connection.close()
    }

    /// `statement` with `$1, $2…` for its `?`s and its values bound.
    static func query(_ statement: StoreStatement) -> PostgresQuery {
        var sql = ""
        sql.reserveCapacity(statement.sql.utf8.count + 16)
        var index = 0
        for character in statement.sql {
            if character == "?" {
                index += 1
                sql += "$\(index)"
            } else {
                sql.append(character)
            }
        }
        var binds = PostgresBindings(capacity: statement.arguments.count)
        for value in statement.arguments {
            switch value {
            case .integer(let v): binds.append(v)
            case .real(let v): binds.append(v)
            case .text(let v): binds.append(v)
            case .null: binds.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private static func storeValue(_ cell: PostgresCell) throws -> StoreValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
        case .float8, .float4, .numeric: return .real(try cell.decode(Double.self))
        default: return .text(try cell.decode(String.self))
        }
    }
}
