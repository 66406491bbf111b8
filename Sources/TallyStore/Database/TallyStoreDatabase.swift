import FieldTallyKafka
import Foundation
import Logging
import SurveyEngine
import TallyWorker

/// The store's tables in SQLite or PostgreSQL (see ``StoreMigrations`` for the schema): writes a
/// batch's ``StoreChanges`` with its offsets in one transaction, and reads back what a restart,
/// `tally export` and the tests need.
public final class TallyStoreDatabase: Sendable {
    /// The database.
    public let backend: any StoreBackend

    /// A store over `backend` (migrate it before writing: ``migrate()``).
    ///
    /// - Parameter backend: An open ``SQLiteBackend`` or ``PostgresBackend``; the store owns it from
    ///   now on, and ``close()`` closes it.
    public init(backend: any StoreBackend) {
        self.backend = backend
    }

    /// Opens the database at `location`.
    /// - Parameters:
    ///   - location: a SQLite file or a PostgreSQL URL.
    ///   - create: whether a missing SQLite file is created (the store) or an error (export).
    ///   - logger: where the PostgreSQL connection logs.
    /// - Throws: ``StoreError`` when it cannot be opened or reached.
    public static func open(_ location: StoreLocation, create: Bool = true, logger: Logger) async throws -> TallyStoreDatabase {
        switch location {
        case .sqlite(let path): TallyStoreDatabase(backend: try SQLiteBackend(path: path, create: create))
        case .postgres(let postgres): TallyStoreDatabase(backend: try await PostgresBackend.connect(postgres, logger: logger))
        }
    }

    /// Applies the migrations not applied yet; returns their names.
    /// - Throws: ``StoreError`` when a statement fails.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await StoreMigrations.apply(to: backend)
    }

    /// Closes the connection.
    public func close() async throws {
        try await backend.close()
    }

    // MARK: Writing

    /// Writes `changes` and their offsets in one transaction. Series rows and dead letters
    /// already stored are kept as they are (a conflict on their keys inserts nothing).
    ///
    /// - Parameter changes: One batch's series rows, dead letters, partials and next offsets, as the
    ///   ingest made them; offsets are stored in the same transaction, so a restart resumes after them.
    /// - Throws: ``StoreError``; nothing is written then.
    public func apply(_ changes: StoreChanges) async throws {
        try await backend.write(Self.statements(for: changes))
    }

    /// The statements ``apply(_:)`` runs in its transaction for `changes`, in order: a multi-row
    /// `INSERT` per table (a round trip each on PostgreSQL, whatever the batch's size).
    /// - Parameter changes: one batch's changes and offsets.
    public static func statements(for changes: StoreChanges) -> [StoreStatement] {
        var statements = inserts(
            into: "tally_series",
            ["change", "form_id", "as_of", "sequences", "offsets", "document"],
            changes.series.map { change in
                [
                    .integer(change.change), .text(change.formId), .of(change.asOf), .text(change.sequencesText), .text(change.offsetsJSON),
                    .text(change.document),
                ]
            },
            onConflict: "DO NOTHING"
        )
        if let rows = changes.currentTallies {
            statements.append(StoreStatement("DELETE FROM current_tallies"))
            statements += inserts(
                into: "current_tallies",
                ["field", "code", "count", "base_all", "pct_all", "base_answered", "pct_answered", "ci_low", "ci_high", "row_order"],
                rows.enumerated().map { index, row in
                    [
                        .text(row.field), .text(row.code), .of(row.count), .integer(Int64(row.baseAll)), .of(row.percentOfAll),
                        .integer(Int64(row.baseAnswered)), .of(row.percentOfAnswered), .of(row.intervalLow), .of(row.intervalHigh),
                        .integer(Int64(index)),
                    ]
                }
            )
        }
        statements += inserts(
            into: "tally_partials",
            ["partition_id", "sequence", "partial"],
            changes.partials.compactMap { partial in
                partial.partitions.first.map { partition, sequence in
                    [.integer(Int64(partition)), .integer(Int64(sequence)), .text(String(decoding: partial.encoded(), as: UTF8.self))]
                }
            },
            onConflict: "(partition_id) DO UPDATE SET sequence = excluded.sequence, partial = excluded.partial"
        )
        statements += inserts(
            into: "dead_letters",
            [
                "topic", "partition_id", "record_offset", "reason", "worker", "respondent_id", "message_key", "source_topic",
                "source_partition", "source_offset", "rejected_at", "letter",
            ],
            changes.deadLetters.map { letter in
                [
                    .text(letter.position.topic), .integer(Int64(letter.position.partition)), .integer(letter.position.offset),
                    .text(letter.reason), .of(letter.worker), .of(letter.respondentID), .of(letter.key),
                    .of(letter.source?.topic), .of(letter.source?.partition), letter.source.map { .integer($0.offset) } ?? .null,
                    .of(letter.rejectedAt), .text(letter.letter),
                ]
            },
            onConflict: "DO NOTHING"
        )
        statements += inserts(
            into: "consumed_offsets",
            ["topic", "partition_id", "next_offset"],
            changes.offsets.map { [.text($0.topic), .integer(Int64($0.partition)), .integer($0.offset)] },
            onConflict: "(topic, partition_id) DO UPDATE SET next_offset = excluded.next_offset"
        )
        return statements
    }

    /// `INSERT INTO table (columns) VALUES (…), (…) [ON CONFLICT …]` for `rows`, in statements of at
    /// most 2,000 bound values (SQLite and PostgreSQL both take far more). An `ON CONFLICT … DO
    /// UPDATE` must not meet one key twice in a statement: callers pass rows with distinct keys.
    private static func inserts(
        into table: String,
        _ columns: [String],
        _ rows: [[StoreValue]],
        onConflict: String? = nil
    )
        -> [StoreStatement]
    {
        let perStatement = max(1, 2_000 / columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return stride(from: 0, to: rows.count, by: perStatement).map { start in
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            let values = Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
            let conflict = onConflict.map { " ON CONFLICT \($0)" } ?? ""
            return StoreStatement(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values)\(conflict)",
                chunk.flatMap { $0 }
            )
        }
    }

    // MARK: Reading

    /// Where to resume: the consumed offsets, the stored partials and the last change's number.
    /// - Throws: ``StoreError`` when the tables cannot be read, `.corrupt` for a stored partial that does not decode.
    public func state() async throws -> StoreState {
        var state = StoreState()
        state.offsets = try await consumedOffsets()
        for row in try await backend.read(StoreStatement("SELECT partition_id, partial FROM tally_partials ORDER BY partition_id")) {
            do {
                state.partials.append(try PartialTally(decoding: Data((row[1].string ?? "").utf8)))
            } catch {
                throw StoreError(.corrupt, "\(backend.description): the stored partial of partition \(row[0].int ?? -1) does not decode: \(error)")
            }
        }
        state.lastChange = Int64(try await backend.read(StoreStatement("SELECT MAX(change) FROM tally_series")).first?.first?.int ?? 0)
        return state
    }

    /// The next offset to read per topic partition.
    public func consumedOffsets() async throws -> [KafkaTopicPartitionOffset] {
        try await backend.read(StoreStatement("SELECT topic, partition_id, next_offset FROM consumed_offsets ORDER BY topic, partition_id"))
            .map { KafkaTopicPartitionOffset(topic: $0[0].string ?? "", partition: $0[1].int ?? 0, offset: Int64($0[2].int ?? 0)) }
    }

    /// The newest tally document, or `nil` before the first change.
    public func latestDocument() async throws -> String? {
        try await backend.read(StoreStatement("SELECT document FROM tally_series ORDER BY change DESC LIMIT 1")).first?.first?.string
    }

    /// The time series, oldest change first.
    public func series() async throws -> [TallyChange] {
        try await backend.read(StoreStatement("SELECT change, form_id, as_of, sequences, offsets, document FROM tally_series ORDER BY change"))
            .map { row in
                TallyChange(
                    change: Int64(row[0].int ?? 0),
                    formId: row[1].string ?? "",
                    asOf: row[2].string,
                    sequences: TallyChange.sequences(from: row[3].string ?? "") ?? [:],
                    offsets: TallyChange.offsets(from: row[4].string ?? "") ?? [:],
                    document: row[5].string ?? ""
                )
            }
    }

    /// The current tallies' code rows, in document order.
    public func currentTallies() async throws -> [TallyTableCSV.Row] {
        try await backend.read(
            StoreStatement(
                "SELECT field, code, count, base_all, pct_all, base_answered, pct_answered, ci_low, ci_high FROM current_tallies ORDER BY row_order"
            )
        )
        .map { row in
            TallyTableCSV.Row(
                field: row[0].string ?? "",
                code: row[1].string ?? "",
                count: row[2].int,
                baseAll: row[3].int ?? 0,
                percentOfAll: row[4].double,
                baseAnswered: row[5].int ?? 0,
                percentOfAnswered: row[6].double,
                intervalLow: row[7].double,
                intervalHigh: row[8].double
            )
        }
    }

    /// The dead letters, by topic, partition and offset.
    public func deadLetters() async throws -> [StoredDeadLetter] {
        try await backend.read(
            StoreStatement(
                """
                SELECT topic, partition_id, record_offset, reason, worker, respondent_id, message_key, source_topic, source_partition,
                    source_offset, rejected_at, letter FROM dead_letters ORDER BY topic, partition_id, record_offset
                """
            )
        )
        .map { row in
            let source = row[7].string.flatMap { topic in
                row[8].int.flatMap { partition in row[9].int.map { KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: Int64($0)) }
                }
            }
            return StoredDeadLetter(
                position: KafkaTopicPartitionOffset(topic: row[0].string ?? "", partition: row[1].int ?? 0, offset: Int64(row[2].int ?? 0)),
                reason: row[3].string ?? "",
                worker: row[4].string,
                respondentID: row[5].string,
                key: row[6].string,
                source: source,
                rejectedAt: row[10].string,
                letter: row[11].string ?? ""
            )
        }
    }
}
