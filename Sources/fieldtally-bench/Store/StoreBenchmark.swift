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
        Console.line("store benchmark: \(input.summary); \(Figure.count(published.records.count)) records "
            + "(\(Figure.count(published.snapshots)) partials on \(partitions) partitions, \(Figure.count(published.rejections)) dead letters), "
            + "batches of \(batch); start: \(loadAtStart)")

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

        var table = ResultTable(
            "tally-store write path, \(Figure.count(published.records.count)) records in \(batches.count) transactions",
            columns: ["database", "series rows", "merge+render s", "write s", "series rows/s", "records/s", "rows written/s", "matches"])
        var rates: [Double] = []
        let expected = TallyTableCSV.rows(of: TallyDocument(merged: published.merged, plan: survey.plan, frame: survey.frame))
        for (name, location) in [("SQLite (WAL)", folder.appendingPathComponent("bench.sqlite").path), ("PostgreSQL 15", postgresURL)] {
            var logger = Logger(label: "fieldtally-bench-store")
            logger.logLevel = .warning
            let database = try await TallyStoreDatabase.open(StoreLocation(location), logger: logger)
            try await database.migrate()
            var ingest = try StoreIngest(survey: survey, topics: options.topics, state: StoreState())
            var mergeSeconds = 0.0
            var writeSeconds = 0.0
            var rowsWritten = 0
            for batch in batches {
                let t0 = ContinuousClock.now
                let changes = ingest.ingest(batch, logger: logger)
                let t1 = ContinuousClock.now
                try await database.apply(changes)
                let t2 = ContinuousClock.now
                mergeSeconds += (t1 - t0).seconds
                writeSeconds += (t2 - t1).seconds
                rowsWritten += changes.series.count + changes.deadLetters.count + (changes.currentTallies?.count ?? 0) + changes.offsets.count
            }
            let series = Int(ingest.lastChange)
            let matches = try await database.currentTallies() == expected
            try await database.close()
            let total = mergeSeconds + writeSeconds
            rates.append(Double(series) / total)
            table.add(name, Figure.count(series), Figure.fixed(mergeSeconds), Figure.fixed(writeSeconds), Figure.count(Double(series) / total),
                      Figure.count(Double(published.records.count) / total), Figure.count(Double(rowsWritten) / writeSeconds),
                      matches ? "yes" : "NO")
        }
        if rates.count == 2 { table.note("PostgreSQL / SQLite series rows per second: \(Figure.fixed(rates[1] / rates[0]))") }
        table.note("series rows/s: one time-series row per change, end to end (merge, render the document, write in the batch's transaction)")
        table.note("rows written/s: every row of the transactions (series, dead letters, current tallies, offsets) per second of database time")
        table.note("matches: the stored current tallies equal the offline merge of the same partials")
        table.note("end: \(MachineLoad.now())")
        table.print()
    }
}
