import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyStore
import TallyWorker
import Testing

/// `tally-store` as a process on a Tansu pipeline, on SQLite and on PostgreSQL 15, killed with
/// SIGKILL at random moments while the sample streams through the workers. Needs the built
/// executables (`swift build --build-tests`).
@Suite(.timeLimit(.minutes(6)))
struct StorePipelineTests {
    @Test(arguments: StoreKind.allCases)
    func storeKilledAtRandomMomentsKeepsEveryChangeOnceAndExportPrintsTheTallies(kind: StoreKind) async throws {
        let seed = UInt64.random(in: 0...UInt64(UInt32.max))
        var random = ReferenceRandom(seed: seed)
        try await PipelineFixture.run { pipeline in
            try await pipeline.startPipeline()
            let location = try await kind.freshLocation()
            let storeArguments = ["--database", location]
            var store = try await pipeline.start(.store, arguments: storeArguments)
            let (livez, _) = try await store.get("/livez")
            #expect(livez == 200)

            // The sample at 8 messages a second (about 11 s), the store killed meanwhile and after,
            // each time at a random moment after it started writing.
            let streaming = ContinuousClock.now + .seconds(11)
            let submit = Task {
                try await pipeline.tally(["submit", Self.streamFile.path, "--pace", "8", "--quiet"], timeout: .seconds(120))
            }
            let observer = try await TallyStoreDatabase.open(StoreLocation(location), logger: StoreKind.logger)
            var kills = 0
            var rowsAtKills: [Int] = []
            while kills < 5 || ContinuousClock.now < streaming {
                let rowsBefore = try await observer.series().count
                try await Self.waitUntilReading(store)
                // Kill an instance that is at work: once it has written a change (at most 10 s), a
                // random moment later. A slow start would otherwise put every kill before any write.
                let working = ContinuousClock.now + .seconds(10)
                while try await observer.series().count == rowsBefore, ContinuousClock.now < working {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...900, using: &random)))
                await pipeline.kill(store)
                kills += 1
                rowsAtKills.append(try await observer.series().count)
                store = try await pipeline.start(.store, arguments: storeArguments, waitUntilReady: false)
            }
            let submitted = try await submit.value
            try #require(submitted.status == 0, "tally submit failed: \(submitted.errors)")
            _ = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
            try await pipeline.waitUntilReady(store)

            // Every snapshot the aggregator published, each counted once however often it was re-sent.
            try await observer.close()
            let published = try await Self.publishedChanges(pipeline)
            // Some kill fell while the store was writing the stream, not only before or after it (on a
            // loaded machine a restarted store may write nothing before the next kill, so the points repeat).
            #expect(
                rowsAtKills.contains { $0 > 0 && $0 < published },
                "seed \(seed): series rows at the \(kills) kills: \(rowsAtKills) of \(published)"
            )
            print("StorePipelineTests \(kind): seed \(seed), series rows at the \(kills) kills: \(rowsAtKills) of \(published)")
            let database = try await TallyStoreDatabase.open(StoreLocation(location), logger: StoreKind.logger)
            let series = try await Self.waitForSeries(database, count: published, store: store)
            #expect(series.count == published, "seed \(seed), \(kills) kills: \(series.count) series rows for \(published) published changes")
            #expect(series.map(\.change) == Array(1...Int64(series.count)), "change numbers have gaps or repeats (seed \(seed))")
            #expect(Set(series.map(\.sequencesText)).count == series.count, "a change is stored twice (seed \(seed))")
            let document = try #require(try await database.latestDocument())
            let differences = try TallyComparer().differences(expectedJSON: StoreIngestTests.expectedJSON(), actualJSON: Data(document.utf8))
            #expect(differences.isEmpty, "seed \(seed): stored tallies differ from expected.json:\n\(differences.joined(separator: "\n"))")
            let letters = try await database.deadLetters()
            #expect(
                Set(letters.compactMap(\.source)).count == 19 && letters.count == 19,
                "seed \(seed): \(letters.count) dead letters stored, 19 rejections expected"
            )
            let rows = try await database.currentTallies()
            try await database.close()

            // Export, without Kafka: the JSON is `tally tallies`'s document, the CSV its rows.
            let tallies = try await pipeline.tally(["tallies", "--format", "json"])
            let exported = try await pipeline.tally(["export", "--store", location, "--format", "json"])
            try #require(exported.status == 0, "tally export failed: \(exported.errors)")
            #expect(exported.outputText == tallies.outputText, "tally export --format json differs from tally tallies --format json")
            let csv = try await pipeline.tally(["export", "--store", location, "--format", "csv"])
            #expect(csv.outputText == TallyTableCSV.render(rows))
            #expect(csv.outputText.split(separator: "\n").first == "field,code,count,base_all,pct_all,base_answered,pct_answered,ci_low,ci_high")
            #expect(!rows.isEmpty)

            let (status, metrics) = try await store.get("/metrics")
            #expect(status == 200 && metrics.contains("tally_records_in_total"))
            try await pipeline.stop(store)
        }
    }

    static var streamFile: URL { SampleStream.directory.appendingPathComponent("stream.tsv") }

    /// The snapshots on the tallies topic that a reader merging the newest partial per partition accepts.
    static func publishedChanges(_ pipeline: PipelineFixture) async throws -> Int {
        var set = PartialTallySet(formId: pipeline.survey.plan.formId)
        var changes = 0
        _ = try await KafkaTopicReader(configuration: pipeline.configuration.readerConfiguration())
            .readToEnd(topic: pipeline.configuration.topics.tallies) { batch in
                for record in batch.records {
                    guard let value = record.value, let partial = try? PartialTally(decoding: Data(value)) else { continue }
                    if try set.offer(partial) { changes += 1 }
                }
            }
        return changes
    }

    /// Waits until `store` has logged that it reads from its stored offsets (at most 60 s).
    static func waitUntilReading(_ store: PipelineWorker) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !store.log.contains("reading from the stored offsets") {
            guard store.isRunning, ContinuousClock.now < deadline else {
                throw PipelineError("\(store) did not start reading\n\(store.logTail())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The series once it has `count` rows (the store catching up after its last restart), at most 60 s.
    static func waitForSeries(_ database: TallyStoreDatabase, count: Int, store: PipelineWorker) async throws -> [TallyChange] {
        let deadline = ContinuousClock.now + .seconds(60)
        var series = try await database.series()
        while series.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            series = try await database.series()
        }
        if series.count < count { print(store.logTail(lines: 40)) }
        return series
    }
}
