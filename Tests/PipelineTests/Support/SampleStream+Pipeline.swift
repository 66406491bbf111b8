import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension SampleStream {
    /// `stream.tsv` itself, for `tally submit`, `tally offline` and `kcat`.
    static var streamFile: URL { directory.appendingPathComponent("stream.tsv") }

    /// `expected.json`'s bytes.
    static func expectedJSON() throws -> Data {
        let url = directory.appendingPathComponent("expected.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PipelineError("cannot read \(url.path): the shared sample must sit beside the package root")
        }
        return data
    }

    /// Writes `lines` of the stream (`key<TAB>value`) to a temporary file and returns it.
    func writeLines(_ range: Range<Int>, name: String) throws -> URL {
        var bytes: [UInt8] = []
        for message in messages[range] {
            bytes += Array(message.key.utf8) + [UInt8(ascii: "\t")] + message.value + [UInt8(ascii: "\n")]
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).tsv")
        try Data(bytes).write(to: url)
        return url
    }
}

/// Checks a pipeline's result for the sample: the merged tallies equal `expected.json` (every
/// count, base, percentage, Wilson interval, numeric summary, cross-tab, response rate and
/// paradata) and the dead-letter topic holds exactly the 19 expected rejections.
func expectSampleResult(
    _ document: TallyDocument,
    pipeline: PipelineFixture,
    sourceLocation: SourceLocation = #_sourceLocation
)
    async throws
{
    let sample = try SampleStream.load()
    let differences = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), document: document)
    #expect(
        differences.isEmpty,
        "tallies differ from expected.json:\n\(differences.joined(separator: "\n"))\n\(pipeline.logTails())",
        sourceLocation: sourceLocation
    )
    #expect(document.paradata.received == sample.messages.count, sourceLocation: sourceLocation)

    let deadLetters = try await pipeline.deadLetters()
    let expected = RejectionLedger(expectedBy: sample)
    let actual = RejectionLedger(deadLetters: deadLetters)
    #expect(expected.count == 19, "expected.json should list 19 rejections", sourceLocation: sourceLocation)
    #expect(
        expected.countsByReason == [
            "invalid": 11, "unknown_respondent": 3, "stale_edit": 2, "duplicate_respondent": 2,
            "instance_conflict": 1,
        ],
        sourceLocation: sourceLocation
    )
    let mismatches = actual.differences(expected: expected)
    #expect(
        mismatches.isEmpty,
        "dead letters differ from expected.json's rejections:\n\(mismatches.joined(separator: "\n"))",
        sourceLocation: sourceLocation
    )
    #expect(deadLetters.count == 19, sourceLocation: sourceLocation)
}
