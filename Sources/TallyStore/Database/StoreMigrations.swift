import Foundation

/// The store's schema as named migrations, the same names and SQL for SQLite and PostgreSQL
/// (`BIGINT`, `DOUBLE PRECISION` and `TEXT` mean the same to both). Applied in order on start;
/// each name is recorded in `store_migrations` in the transaction that applies it, so a
/// migration runs once per database, and a crash mid-way leaves it unapplied, to run again.
///
/// Tables (documents are the tally document JSON of `tally tallies --format json`):
/// - `tally_series`: one row per change of the merged tallies (see ``StoreIngest``): `change`
///   (1, 2, 3…), `form_id`, `as_of`, `sequences` (each tally partition's snapshot sequence,
///   `partition:sequence` comma-separated, unique), `offsets` (JSON: each `survey.tallies`
///   partition's next offset after the change) and `document`.
/// - `current_tallies`: the newest document's code rows, as `tally export --format csv` writes them.
/// - `dead_letters`: every `survey.rejected` record with its reason, keyed by its topic, partition
///   and offset; a re-send of one rejection (same worker and source position) is kept once.
/// - `consumed_offsets`: the next offset to read per topic and partition.
/// - `tally_partials`: the newest partial per tally partition, which the merge restarts from.
public enum StoreMigrations {
    /// A named schema change.
    public struct Migration: Sendable {
        /// The name recorded in `store_migrations` (never renamed once released).
        public var name: String
        /// The statements, run in one transaction.
        public var statements: [String]
    }

    /// Every migration, in the order they apply.
    public static let all: [Migration] = [
        Migration(
            name: "0001_create_tally_store",
            statements: [
                """
                CREATE TABLE tally_series (
                    change BIGINT PRIMARY KEY,
                    form_id TEXT NOT NULL,
                    as_of TEXT,
                    sequences TEXT NOT NULL UNIQUE,
                    offsets TEXT NOT NULL,
                    document TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE current_tallies (
                    field TEXT NOT NULL,
                    code TEXT NOT NULL,
                    count BIGINT,
                    base_all BIGINT NOT NULL,
                    pct_all DOUBLE PRECISION,
                    base_answered BIGINT NOT NULL,
                    pct_answered DOUBLE PRECISION,
                    ci_low DOUBLE PRECISION,
                    ci_high DOUBLE PRECISION,
                    row_order BIGINT NOT NULL,
                    PRIMARY KEY (field, code)
                )
                """,
                """
                CREATE TABLE dead_letters (
                    topic TEXT NOT NULL,
                    partition_id BIGINT NOT NULL,
                    record_offset BIGINT NOT NULL,
                    reason TEXT NOT NULL,
                    worker TEXT,
                    respondent_id TEXT,
                    message_key TEXT,
                    source_topic TEXT,
                    source_partition BIGINT,
                    source_offset BIGINT,
                    rejected_at TEXT,
                    letter TEXT NOT NULL,
                    PRIMARY KEY (topic, partition_id, record_offset),
                    UNIQUE (worker, source_topic, source_partition, source_offset)
                )
                """,
                """
                CREATE TABLE consumed_offsets (
                    topic TEXT NOT NULL,
                    partition_id BIGINT NOT NULL,
                    next_offset BIGINT NOT NULL,
                    PRIMARY KEY (topic, partition_id)
                )
                """,
                """
                CREATE TABLE tally_partials (
                    partition_id BIGINT PRIMARY KEY,
                    sequence BIGINT NOT NULL,
                    partial TEXT NOT NULL
                )
                """,
                "CREATE INDEX dead_letters_reason ON dead_letters (reason)",
            ]
        )
    ]

    /// Applies every migration `backend` has not recorded yet, in order.
    ///
    /// Creates the `store_migrations` table first if it is missing, then runs each pending migration
    /// and records its name and time (ISO 8601) in that migration's own transaction. Safe to call on
    /// every start: a current schema runs nothing.
    ///
    /// - Parameter backend: The database to migrate.
    /// - Returns: the names applied now (empty when the schema was current).
    /// - Throws: ``StoreError`` when a statement fails (that migration is not recorded; the ones before
    ///   it stay applied).
    @discardableResult
    public static func apply(to backend: any StoreBackend) async throws -> [String] {
        try await backend.write([StoreStatement("CREATE TABLE IF NOT EXISTS store_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")])
        let applied = Set(try await backend.read(StoreStatement("SELECT name FROM store_migrations")).compactMap { $0.first?.string })
        var now: [String] = []
        for migration in all where !applied.contains(migration.name) {
            try await backend.write(
                migration.statements.map { StoreStatement($0) }
                    + [
                        StoreStatement(
                            "INSERT INTO store_migrations (name, applied_at) VALUES (?, ?)",
                            [.text(migration.name), .text(Date().formatted(.iso8601))]
                        )
                    ]
            )
            now.append(migration.name)
        }
        return now
    }
}
