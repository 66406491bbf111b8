import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyStore
import TallyWorker
import Testing

/// The store's tables after the sample's published records, on SQLite and on PostgreSQL 15,
/// without Kafka: the records are made in process (``PublishedSample``) and handed over in
/// batches of random sizes, with crashes between and inside the transactions.
@Suite(.timeLimit(.minutes(3)))
struct StoreIngestTests {
    @Test(arguments: StoreKind.allCases)
    func storedTalliesEqualExpectedJSONWithOneSeriesRowPerSnapshot(kind: StoreKind) async throws {
        let sample = try PublishedSample()
        let (database, _) = try await kind.freshStore()
        var ingest = try StoreIngest(survey: sample.survey, topics: sample.topics, state: try await database.state())
        var random = ReferenceRandom(seed: 11)
        for batch in sample.batches(from: [], using: &random) {
            try await database.apply(ingest.ingest(batch, logger: StoreKind.logger))
        }
        try await expectStoreHoldsTheSample(database, sample)
        try await database.close()
    }

    @Test(arguments: StoreKind.allCases)
    func crashesBetweenAndInsideTransactionsNeitherDuplicateNorLoseRows(kind: StoreKind) async throws {
        let sample = try PublishedSample()
        let (database, location) = try await kind.freshStore()
        try await database.close()
        var random = ReferenceRandom(seed: 29)
        var restarts = 0
        while true {
            // A restart: a new connection and a new merge, from what the database holds.
            let database = try await TallyStoreDatabase.open(StoreLocation(location), logger: StoreKind.logger)
            let state = try await database.state()
            var ingest = try StoreIngest(survey: sample.survey, topics: sample.topics, state: state)
            let batches = sample.batches(from: state.offsets, using: &random)
            guard !batches.isEmpty else {
                try await expectStoreHoldsTheSample(database, sample)
                try await database.close()
                break
            }
            // Killed inside the transaction of a random one of the next three batches, until the last.
            let crashAt = batches.count > 1 ? Int.random(in: 0..<min(batches.count, 3), using: &random) : batches.count
            for (index, batch) in batches.enumerated() {
                let changes = ingest.ingest(batch, logger: StoreKind.logger)
                if index == crashAt {
                    // Killed inside the transaction: its last statement fails, so nothing of it stays.
                    var statements = TallyStoreDatabase.statements(for: changes)
                    let failing = StoreStatement("INSERT INTO no_such_table VALUES (1)")
                    statements.insert(failing, at: Int.random(in: 0...statements.count, using: &random))
                    await #expect(throws: StoreError.self) { try await database.backend.write(statements) }
                    break
                }
                try await database.apply(changes)
            }
            try await database.close()
            restarts += 1
        }
        #expect(restarts >= 5, "only \(restarts) crashes")
    }

    @Test(arguments: StoreKind.allCases)
    func migrationsApplyOnceByNameOnEveryBackend(kind: StoreKind) async throws {
        let location = try await kind.freshLocation()
        let database = try await TallyStoreDatabase.open(StoreLocation(location), logger: StoreKind.logger)
        #expect(try await database.migrate() == StoreMigrations.all.map(\.name))
        #expect(try await database.migrate() == [])
        let recorded = try await database.backend.read(StoreStatement("SELECT name FROM store_migrations ORDER BY name"))
        #expect(recorded == StoreMigrations.all.map { [StoreValue.text($0.name)] })
        try await database.close()
        // Opened again, as a restarted store would be: nothing left to apply.
        let reopened = try await TallyStoreDatabase.open(StoreLocation(location), logger: StoreKind.logger)
        #expect(try await reopened.migrate() == [])
        #expect(try await reopened.state().lastChange == 0)
        try await reopened.close()
    }

    @Test func databaseLocationsAreFilesOrPostgresURLs() throws {
        #expect(try StoreLocation("data/tallies.sqlite") == .sqlite(path: "data/tallies.sqlite"))
        guard case .postgres(let postgres) = try StoreLocation("postgres://analyst:s%40cret@db.example:6543/fieldwork?sslmode=require") else {
            Issue.record("a postgres:// URL was not read as PostgreSQL")
            return
        }
        #expect(postgres.host == "db.example")
        #expect(postgres.port == 6543)
        #expect(postgres.username == "analyst")
        #expect(postgres.password == "s@cret")
        #expect(postgres.database == "fieldwork")
        #expect(postgres.sslMode == "require")
        #expect(!StoreLocation.postgres(postgres).description.contains("cret"), "the password must not appear in logs")
        #expect(throws: StoreError.self) { try StoreLocation("postgres://db/x?sslmode=sometimes") }
        #expect(throws: StoreError.self) { try StoreLocation("  ") }
    }

    /// The newest document equals expected.json and the sample's offline document; the series has
    /// one row per distinct snapshot, numbered 1…n without gaps, each a different document; the
    /// current rows are the document's CSV rows; every rejection is stored once.
    private func expectStoreHoldsTheSample(
        _ database: TallyStoreDatabase,
        _ sample: PublishedSample,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let document = try #require(try await database.latestDocument(), sourceLocation: sourceLocation)
        let differences = try TallyComparer().differences(expectedJSON: Self.expectedJSON(), actualJSON: Data(document.utf8))
        #expect(
            differences.isEmpty,
            "stored tallies differ from expected.json:\n\(differences.joined(separator: "\n"))",
            sourceLocation: sourceLocation
        )
        let series = try await database.series()
        #expect(series.count == sample.snapshots, "\(series.count) series rows for \(sample.snapshots) snapshots", sourceLocation: sourceLocation)
        #expect(series.map(\.change) == Array(1...Int64(sample.snapshots)), sourceLocation: sourceLocation)
        #expect(Set(series.map(\.document)).count == series.count, "two series rows hold the same document", sourceLocation: sourceLocation)
        #expect(series.last?.offsets.values.reduce(0, +) ?? 0 > 0, sourceLocation: sourceLocation)
        #expect(try await database.currentTallies() == TallyTableCSV.rows(of: sample.document), sourceLocation: sourceLocation)
        #expect(
            TallyTableCSV.render(try await database.currentTallies()) == TallyTableCSV.render(sample.document),
            sourceLocation: sourceLocation
        )
        let letters = try await database.deadLetters()
        #expect(
            letters.count == sample.rejections,
            "\(letters.count) dead letters stored for \(sample.rejections) rejections",
            sourceLocation: sourceLocation
        )
        #expect(
            Dictionary(grouping: letters, by: \.reason).mapValues(\.count)
                == ["invalid": 11, "unknown_respondent": 3, "stale_edit": 2, "duplicate_respondent": 2, "instance_conflict": 1],
            sourceLocation: sourceLocation
        )
        let offsets = try await database.consumedOffsets()
        let ends = Dictionary(sample.records.map { ($0.topicPartition, $0.offset + 1) }) { max($0, $1) }
        #expect(Dictionary(uniqueKeysWithValues: offsets.map { ($0.topicPartition, $0.offset) }) == ends, sourceLocation: sourceLocation)
    }

    static func expectedJSON() throws -> Data {
        try Data(contentsOf: SampleStream.directory.appendingPathComponent("expected.json"))
    }
}
