import ArgumentParser
import FieldTallyTestKit
import Foundation

/// `fieldtally-bench generate`: writes a synthetic survey stream (the sample repeated with fresh
/// respondents, optionally padded) and a copy of the survey's schemas with the matching frame.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write DIR/stream.tsv (K copies of the sample with fresh respondents) and DIR/schemas/<survey>/ with the matching frame.",
        discussion: """
            Copy k renames respondent R to S<k>-R and gives every uuid: id a fresh one, so the tallies of \
            K copies are K times the sample's. Pass DIR/schemas as --schemas to the workers and to `tally offline`.
            """
    )

    @Option(help: "Copies of the source stream.")
    var copies = 1

    @Option(
        name: .customLong("pad-to"),
        help: "Target mean message size in bytes (neutral sentences added to free texts; codes unchanged). Default: no padding."
    )
    var padTo: Int?

    @Option(help: "Seed of the fresh instance ids and the padding.")
    var seed: UInt64 = 2018

    @Option(help: "Output folder (created when missing).")
    var out: String

    @Option(help: "Source message file (key<TAB>value lines). Default: Schemas/wwc-csc-2018/sample/stream.tsv of the package.")
    var source: String?

    @Option(help: "Source survey folder (instrument.yaml, codebook.yaml, tally.yaml, frame). Default: Schemas/wwc-csc-2018 of the package.")
    var survey: String?

    func run() throws {
        let streamFile = source.map { URL(fileURLWithPath: $0) } ?? SampleStream.directory.appendingPathComponent("stream.tsv")
        let surveyFolder = survey.map { URL(fileURLWithPath: $0) } ?? SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018")
        let options = SyntheticStream.Options(copies: copies, padTo: padTo, seed: seed)
        let started = ContinuousClock.now
        let stream = try SyntheticStream(streamFile: streamFile, survey: surveyFolder, options: options)
        let output = try stream.write(to: URL(fileURLWithPath: out), survey: surveyFolder)
        let elapsed = ContinuousClock.now - started
        let mean = output.messages == 0 ? 0 : output.valueBytes / output.messages
        print(
            "generate: \(output.messages) messages (\(copies) × \(stream.sourceCount)), mean value \(mean) B, "
                + "\(output.valueBytes) B in all, frame \(output.frameUnits) units, \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 2))))"
        )
        print("  stream:  \(output.stream.path)")
        print("  schemas: \(output.schemas.path)  (survey folder \(output.survey.lastPathComponent))")
    }
}
