import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension WorkerPipeline {
    /// `tally tallies` shows what the pipeline published, in the shape `tally offline` computes.
    @Suite(.timeLimit(.minutes(3)))
    struct TallyCLITests {
        @Test func talliesPrintedByTheCLIEqualTheOfflineTallyOfTheSameInput() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let submit = try await pipeline.tally(["submit", SampleStream.streamFile.path, "--quiet"])
                try #require(submit.status == 0, "tally submit failed: \(submit.errors)")
                _ = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))

                let online = try await pipeline.tally(["tallies", "--format", "json"])
                try #require(online.status == 0, "tally tallies failed: \(online.errors)")
                let offline = try await pipeline.tally([
                    "offline", SampleStream.streamFile.path, "--format", "json", "--schemas", pipeline.configuration.schemas, "--quiet",
                ])
                try #require(offline.status == 0, "tally offline failed: \(offline.errors)")

                // Only when and where it was computed may differ: the review queue's counts too must agree.
                let comparer = TallyComparer(
                    ignoredExpectedKeys: ["as_of", "partitions"],
                    allowedExtraKeys: ["as_of", "partitions"]
                )
                let differences = try comparer.differences(expectedJSON: offline.output, actualJSON: online.output)
                #expect(differences.isEmpty, "tally tallies differs from tally offline:\n\(differences.joined(separator: "\n"))")
                let expected = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), actualJSON: online.output)
                #expect(expected.isEmpty, "tally tallies differs from expected.json:\n\(expected.joined(separator: "\n"))")

                let csv = try await pipeline.tally(["tallies", "--format", "csv"])
                try #require(csv.status == 0, "tally tallies --format csv failed: \(csv.errors)")
                try expectOneCSVRowPerFieldAndCode(csv.outputText, document: ReferenceJSONValue.parse(online.output))
            }
        }

        @Test func replayRecodesHistoryIntoFreshTopicsThatCountEveryMessage() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let submit = try await pipeline.tally(["submit", SampleStream.streamFile.path, "--quiet"])
                try #require(submit.status == 0, "tally submit failed: \(submit.errors)")
                _ = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))

                let replay = try await pipeline.tally(
                    ["replay", "--from-beginning", "--suffix", "again", "--timeout", "90"],
                    timeout: .seconds(120)
                )
                try #require(replay.status == 0, "tally replay failed: \(replay.errors)")
                // The same codebook over the same history, with the validator's dead letters carried over:
                // the fresh tallies are the sample's expected tallies, paradata included.
                let fresh = "\(pipeline.configuration.topics.tallies).again"
                let replayed = try await pipeline.tally(["tallies", "--format", "json", "--topic-tallies", fresh])
                try #require(replayed.status == 0, "tally tallies --topic-tallies \(fresh) failed: \(replayed.errors)")
                let differences = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), actualJSON: replayed.output)
                #expect(differences.isEmpty, "the replayed tallies differ from expected.json:\n\(differences.joined(separator: "\n"))")
            }
        }

        /// The CSV has the documented header and exactly one row per field and code of the JSON
        /// document, with its count and bases.
        private func expectOneCSVRowPerFieldAndCode(_ csv: String, document: JSONValue) throws {
            let lines = csv.split(separator: "\n").map(String.init)
            try #require(!lines.isEmpty, "empty CSV")
            #expect(lines[0] == "field,code,count,base_all,pct_all,base_answered,pct_answered,ci_low,ci_high")
            var expectedRows: [String] = []
            for (field, summary) in try #require(document["fields"]?.objectValue) {
                for (code, counts) in summary["codes"]?.objectValue ?? [:] {
                    let values = [counts["count"], summary["base_all"], summary["base_answered"]].map {
                        $0?.numberValue.map { String(Int($0)) } ?? ""
                    }
                    expectedRows.append(([field, code] + values).joined(separator: ","))
                }
            }
            // field, code, count, base_all and base_answered (columns 0, 1, 2, 3 and 5).
            let rows = lines.dropFirst().map { line in
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                return [0, 1, 2, 3, 5].map { $0 < cells.count ? String(cells[$0]) : "" }.joined(separator: ",")
            }
            #expect(rows.count == expectedRows.count, "\(rows.count) CSV rows, \(expectedRows.count) field/code pairs")
            #expect(rows.sorted() == expectedRows.sorted())
            #expect(!expectedRows.isEmpty, "the document has no field codes")
        }
    }
}
