import ArgumentParser
import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import Logging
import SurveyEngine
import TallyStore
import TallyWorker

/// `fieldtally-bench store`: tally-store's write path on SQLite and on PostgreSQL 15, on the same
/// records in the same run: each batch merged (one tally document rendered per change) and
/// written with its offsets in one transaction. Kafka is left out (the records are made in
/// process, as the aggregator would publish them), so the figures are the store's own.
struct StoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "tally-store's rows per second on SQLite and on PostgreSQL, same records, same run."
    )

    @Option(help: "Submissions behind the published tallies (synthetic: the sample repeated).")
    var messages = 20_000

    @Option(help: "Partitions of the tallies topic (one aggregator partial per partition).")
    var partitions = 6

    @Option(help: "A partition publishes a partial after every N-th message it counts (the aggregator debounces per batch).")
    var snapshotEvery = 10

    @Option(help: "Records per batch handed to the store (one transaction each).")
    var batch = 500

    @Option(help: "A PostgreSQL URL to use; default: a PostgreSQL 15 of the benchmark's own on a free port (Debian's postgresql).")
    var postgres: String?

    func run() async throws {
        let loadAtStart = MachineLoad.now()
        let input = try BenchInput.synthetic(count: messages, size: 600)
        let survey = try SurveyDefinition(directory: input.schemas)
        var options = PublishedTallies.Options()
        options.partitions = partitions
        options.snapshotEvery = snapshotEvery
        let published = try PublishedTallies(messages: input.messages, survey: survey, options: options)
        var random = ReferenceRandom(seed: 7)
        let batches = published.batches(sizes: batch...batch, using: &random)
        Console.line(
            "store benchmark: \(input.summary); \(Figure.count(published.records.count)) records "
                + "(\(Figure.count(published.snapshots)) partials on \(partitions) partitions, \(Figure.count(published.rejections)) dead letters), "
                + "batches of \(batch); start: \(loadAtStart)"
        )

        var server: TestPostgres?
        let postgresURL: String
        if let postgres {
            postgresURL = postgres
        } else {
            let started = try await TestPostgres.start()
            server = started
            postgresURL = try await started.createDatabase("bench")
        }
        defer { server?.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-bench-store-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // The merge (one document rendered per change) is the same work for both databases: done
        // once, then the same changes are written to each, so the databases are compared alone.
        var logger = Logger(label: "fieldtally-bench-store")
        logger.logLevel = .warning
        var ingest = try StoreIngest(survey: survey, topics: options.topics, state: StoreState())
        let mergeStart = ContinuousClock.now
        let changes = batches.map { ingest.ingest($0, logger: logger) }
        let mergeSeconds = (ContinuousClock.now - mergeStart).seconds
        let series = changes.reduce(0) { $0 + $1.series.count }
        let rows = changes.reduce(0) { $0 + $1.series.count + $1.deadLetters.count + ($1.currentTallies?.count ?? 0) + $1.offsets.count }
        Console.line(
            "merge: \(Figure.count(series)) changes, one tally document each, in \(Figure.fixed(mergeSeconds)) s "
                + "(\(Figure.count(Double(series) / mergeSeconds)) documents/s)"
        )

        var table = ResultTable(
            "tally-store writes, \(Figure.count(published.records.count)) records in \(batches.count) transactions of \(batch)",
            columns: ["database", "write s", "series rows/s", "records/s", "rows written/s", "end to end rows/s", "matches"]
        )
        var rates: [Double] = []
        let expected = TallyTableCSV.rows(of: TallyDocument(merged: published.merged, plan: survey.plan, frame: survey.frame))
        for (name, location) in [("SQLite (WAL)", folder.appendingPathComponent("bench.sqlite").path), ("PostgreSQL 15", postgresURL)] {
            let database = try await TallyStoreDatabase.open(StoreLocation(location), logger: logger)
            try await database.migrate()
            let writeStart = ContinuousClock.now
            for batch in changes { try await database.apply(batch) }
            let writeSeconds = (ContinuousClock.now - writeStart).seconds
            let stored = try await database.currentTallies()
            let lastChange = try await database.state().lastChange
            let matches = stored == expected && Int(lastChange) == series
            try await database.close()
            rates.append(Double(series) / writeSeconds)
            table.add(
                name,
                Figure.fixed(writeSeconds),
                Figure.count(Double(series) / writeSeconds),
                Figure.count(Double(published.records.count) / writeSeconds),
                Figure.count(Double(rows) / writeSeconds),
                Figure.count(Double(series) / (mergeSeconds + writeSeconds)),
                matches ? "yes" : "NO"
            )
        }
        if rates.count == 2 { table.note("PostgreSQL / SQLite series rows per second of writing: \(Figure.fixed(rates[1] / rates[0]))") }
        table.note("series rows/s: time-series rows (one per change, with its document) per second of database time, each batch one transaction")
        table.note("rows written/s: every row of the transactions (series, dead letters, current tallies, offsets) per second")
        table.note("end to end rows/s: series rows per second including the merge and rendering above")
        table.note("matches: the stored current tallies equal the offline merge of the same partials, and every change is stored")
        table.note("end: \(MachineLoad.now())")
        table.print()
    }
}
