import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension WorkerPipeline {
    /// The coding review loop on Kafka: the pipeline keeps the review queue `tally offline --review`
    /// predicts, and a replay with a codebook that settles texts takes them out of it.
    @Suite(.timeLimit(.minutes(5)))
    struct CodingReviewPipelineTests {
        @Test func reviewQueueOnKafkaIsTheOfflineQueueAndAReplayWithANewerCodebookTakesOutWhatItSettles() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let submit = try await pipeline.tally(["submit", SampleStream.streamFile.path, "--quiet"])
                try #require(submit.status == 0, "tally submit failed: \(submit.errors)")
                _ = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))

                // The queue on Kafka is the one tally offline predicts, item for item.
                let predicted = try await offlineReview(pipeline, schemas: pipeline.configuration.schemas)
                try #require(!predicted.isEmpty, "the sample should leave texts in review")
                let online = try await review(pipeline)
                #expect(online == predicted, "tally review differs from tally offline --review:\n\(diff(predicted, online))")

                // --field keeps one field; the table lists every item and counts them.
                let field = try #require(try ReferenceJSONValue.parse(Data(predicted[0].utf8))["field"]?.stringValue)
                let oneField = try await review(pipeline, ["--field", field])
                #expect(oneField == predicted.filter { $0.contains(#""field":"\#(field)""#) })
                let table = try await pipeline.tally(["review"])
                try #require(table.status == 0, "tally review failed: \(table.errors)")
                #expect(table.outputText.split(separator: "\n").count == predicted.count + 2)
                #expect(table.outputText.contains("\(predicted.count) texts in review"))

                // The tallies count the same queue per field.
                let document = try ReferenceJSONValue.parse(try await pipeline.tallies().jsonData())
                let counts = try ReferenceJSONValue.parse(Data(try countsJSON(predicted).utf8))
                #expect(document["paradata"]?["coding_review"] == counts)

                // A newer codebook with one rule more, made from a text that got no code, settles it.
                let changed = try ChangedSurvey(settling: predicted)
                defer { try? FileManager.default.removeItem(at: changed.root) }
                let expected = try await offlineReview(pipeline, schemas: changed.root.path)
                let settled = Set(predicted).subtracting(expected)
                try #require(!settled.isEmpty, "the added rule should settle at least one text")
                #expect(settled.contains(changed.settledLine))

                let replay = try await pipeline.tally(
                    ["replay", "--from-beginning", "--suffix", "newcodebook", "--timeout", "120", "--schemas", changed.root.path],
                    timeout: .seconds(150)
                )
                try #require(replay.status == 0, "tally replay failed: \(replay.errors)")
                let after = try await review(pipeline)
                #expect(after == expected, "after the replay, tally review differs from the new codebook's offline queue:\n\(diff(expected, after))")
                #expect(Set(after).isDisjoint(with: settled), "settled texts are still in review")
                #expect(Set(predicted).subtracting(settled).isSubset(of: Set(after)), "texts the new rule does not settle left the queue")

                // The replay's tallies follow the new codebook, review counts included.
                let offlineNew = try await pipeline.tally([
                    "offline", SampleStream.streamFile.path, "--format", "json", "--schemas", changed.root.path, "--quiet",
                ])
                try #require(offlineNew.status == 0, "tally offline failed: \(offlineNew.errors)")
                let replayed = try await pipeline.tally([
                    "tallies", "--format", "json", "--topic-tallies", "\(pipeline.configuration.topics.tallies).newcodebook",
                    "--schemas", changed.root.path,
                ])
                try #require(replayed.status == 0, "tally tallies failed: \(replayed.errors)")
                let comparer = TallyComparer(ignoredExpectedKeys: ["as_of", "partitions"], allowedExtraKeys: ["as_of", "partitions"])
                let differences = try comparer.differences(expectedJSON: offlineNew.output, actualJSON: replayed.output)
                #expect(
                    differences.isEmpty,
                    "the replayed tallies differ from tally offline with the new codebook:\n\(differences.joined(separator: "\n"))"
                )
                let newDocument = try ReferenceJSONValue.parse(replayed.output)
                #expect(newDocument["codebook_version"]?.stringValue == changed.version)
                let newCounts = try ReferenceJSONValue.parse(Data(try countsJSON(expected).utf8))
                #expect(newDocument["paradata"]?["coding_review"] == newCounts)
            }
        }
    }
}

/// `tally review --format json` lines.
private func review(_ pipeline: PipelineFixture, _ arguments: [String] = []) async throws -> [String] {
    let result = try await pipeline.tally(["review", "--format", "json"] + arguments)
    try #require(result.status == 0, "tally review failed: \(result.errors)")
    return result.outputText.split(separator: "\n").map(String.init)
}

/// `tally offline --review` lines for the sample stream with the survey under `schemas`.
private func offlineReview(_ pipeline: PipelineFixture, schemas: String) async throws -> [String] {
    let result = try await pipeline.tally(["offline", SampleStream.streamFile.path, "--review", "--schemas", schemas, "--quiet"])
    try #require(result.status == 0, "tally offline --review failed: \(result.errors)")
    return result.outputText.split(separator: "\n").map(String.init)
}

/// `{"field": items, …}` for review lines, as `paradata.coding_review` counts them.
private func countsJSON(_ lines: [String]) throws -> String {
    var counts: [String: Int] = [:]
    for line in lines {
        let field = try #require(try ReferenceJSONValue.parse(Data(line.utf8))["field"]?.stringValue)
        counts[field, default: 0] += 1
    }
    return "{" + counts.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
}

private func diff(_ expected: [String], _ actual: [String]) -> String {
    let missing = Set(expected).subtracting(actual).sorted().map { "missing: \($0)" }
    let extra = Set(actual).subtracting(expected).sorted().map { "unexpected: \($0)" }
    return (missing + extra).prefix(20).joined(separator: "\n")
}

/// A copy of the sample's survey in a temporary folder whose codebook has a newer version and one
/// rule more: a phrase of the first `no_code` text in review, for the first code of its field.
private struct ChangedSurvey {
    /// The folder of survey folders (pass as `--schemas`).
    let root: URL
    /// The new codebook version.
    let version: String
    /// The review line the new rule is made from.
    let settledLine: String

    init(settling review: [String]) throws {
        let line = try #require(review.first { $0.contains(#""reason":"no_code""#) }, "no no_code text in review")
        let item = try ReferenceJSONValue.parse(Data(line.utf8))
        let field = try #require(item["field"]?.stringValue)
        let text = try #require(item["text"]?.stringValue)
        // The text's first words (letters only), enough to find it again and no other by chance.
        let words = text.split { !$0.isLetter }.prefix(4).map(String.init)
        try #require(words.count >= 2, "the text '\(text)' has too few words for a phrase")

        let source = SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-review-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("wwc-csc-2018")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["instrument.yaml", "tally.yaml", "frame.csv", "intake.yaml", "second-opinion.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        var lines = try String(contentsOf: source.appendingPathComponent("codebook.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let versionLine = try #require(lines.firstIndex { $0.hasPrefix("version:") })
        let old = lines[versionLine].dropFirst("version:".count).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""])
        version = old + "-review-test"
        lines[versionLine] = "version: \"\(version)\""
        let fieldLine = try #require(lines.firstIndex(of: "  - name: \(field)"), "field \(field) not in the codebook")
        let rulesLine = try #require(lines[fieldLine...].firstIndex(of: "        rules:"), "no rules under field \(field)")
        lines.insert(
            contentsOf: [
                "          - id: review-test.settles",
                "            phrases:",
                "              - \"\(words.joined(separator: " "))\"",
            ],
            at: rulesLine + 1
        )
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("codebook.yaml"), atomically: true, encoding: .utf8)
        settledLine = line
    }
}
