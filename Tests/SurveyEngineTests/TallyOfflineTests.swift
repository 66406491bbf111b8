import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// `tally offline` on the sample, run as a separate process like an operator would, and the
/// survey definition it loads.
@Suite struct TallyOfflineTests {
    let sample: TallySample

    init() throws {
        sample = try TallySample()
    }

    /// Runs the built `tally` with `arguments`; returns standard output.
    func tally(_ arguments: [String]) throws -> (status: Int32, output: Data, errors: String) {
        let process = Process()
        process.executableURL = try BuildProducts.executable(named: "tally")
        process.arguments = arguments
        process.currentDirectoryURL = sample.packageRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data, String(decoding: messages, as: UTF8.self))
    }

    var streamPath: String { sample.packageRoot.appendingPathComponent("Schemas/wwc-csc-2018/sample/stream.tsv").standardizedFileURL.path }

    @Test func offlineJsonOnTheSampleEqualsExpectedJson() throws {
        let run = try tally(["offline", streamPath, "--format", "json"])
        #expect(run.status == 0, "\(run.errors)")
        let differences = try TallyComparer().differences(expectedJSON: sample.expectedJSON, actualJSON: run.output)
        #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.joined(separator: "\n"))")
    }

    @Test func offlineTextReportLeadsWithTheResponseRate() throws {
        let run = try tally(["offline", streamPath, "--schemas", "Schemas/"])
        #expect(run.status == 0, "\(run.errors)")
        let text = String(decoding: run.output, as: UTF8.self)
        #expect(text.contains("Counted respondents: 60 of 152 (39.5%"))
        #expect(text.contains("rejected by reason: invalid 11, unknown_respondent 3, stale_edit 2, duplicate_respondent 2, instance_conflict 1"))
    }

    @Test func offlineCodedPrintsOneLinePerCountedRespondent() throws {
        let run = try tally(["offline", streamPath, "--coded"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = try String(decoding: run.output, as: UTF8.self).split(separator: "\n").map { try ReferenceJSONValue.parse(Data($0.utf8)) }
        #expect(lines.count == 60)
        let first = try #require(lines.first)
        #expect(first["respondent_id"]?.stringValue != nil)
        #expect(first["codes"]?["whole_system_model"]?.arrayValue != nil)
        #expect(first["established_band"]?.stringValue != nil)
        #expect(first["numbers"]?.objectValue != nil)
    }

    @Test func offlineRejectedPrintsEveryRejectedMessageWithItsReasons() throws {
        let run = try tally(["offline", streamPath, "--rejected"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = try String(decoding: run.output, as: UTF8.self).split(separator: "\n").map { try ReferenceJSONValue.parse(Data($0.utf8)) }
        let got = lines.compactMap { line -> String? in
            guard case .number(let number) = line["line"], let reason = line["reason"]?.stringValue else { return nil }
            return "\(Int(number)) \(reason)"
        }
        let expected = sample.lines.filter { $0.expectedOutcome == "rejected" }.map { "\($0.number) \($0.expectedDetail)" }
        #expect(got == expected)
        let invalid = try #require(lines.first { $0["reason"] == .string("invalid") })
        #expect(invalid["problems"]?.arrayValue?.isEmpty == false)
    }

    @Test func offlineExplainsAMissingSchemasFolder() throws {
        let run = try tally(["offline", streamPath, "--schemas", "/nonexistent"])
        #expect(run.status != 0)
        #expect(run.errors.contains("/nonexistent"))
    }

    @Test func shippedSurveyFilesAgree() throws {
        let survey = try SurveyDefinition(directory: sample.packageRoot.appendingPathComponent("Schemas").path)
        #expect(survey.plan.formId == survey.instrument.formId)
        #expect(survey.frame.count == 152)
    }

    @Test func disagreeingSurveyFilesAreListed() throws {
        let survey = try SurveyDefinition(directory: sample.packageRoot.appendingPathComponent("Schemas").path)
        var plan = survey.plan
        plan.fields[0].codes.removeLast()
        plan.fields[1].source = ["answers.elsewhere"]
        plan.numeric[0].origin = .codedNumber("fortnights")
        let problems = SurveyDefinition.inconsistencies(instrument: survey.instrument, codebook: survey.codebook, plan: plan)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("top_approaches") && $0.contains("option list") })
        #expect(problems.contains { $0.contains("fortnights") })
    }

    @Test func offlineReviewPrintsOneJSONLinePerTextInTheReviewQueue() throws {
        let run = try tally(["offline", streamPath, "--review"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = String(decoding: run.output, as: UTF8.self).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let item = try ReferenceJSONValue.parse(Data(line.utf8))
            #expect(item["respondent_id"]?.stringValue?.hasPrefix("E") == true, "\(line)")
            #expect(item["source"]?.stringValue?.hasPrefix("answers.") == true)
            #expect(item["text"]?.stringValue?.isEmpty == false)
            #expect(item["candidates"]?.arrayValue != nil)
            #expect(ReviewItem.Reason(rawValue: item["reason"]?.stringValue ?? "") != nil)
            #expect(line.hasPrefix("{\"respondent_id\":"), "members in the documented order")
        }
    }

    @Test func codebookCheckPrintsKappaPerFieldAndTheReviewFigures() throws {
        let sampleDirectory = "Schemas/wwc-csc-2018/sample/"
        let run = try tally(["codebook", "check", "--gold", sampleDirectory + "gold-codes.json", "--stream", sampleDirectory + "stream.tsv"])
        #expect(run.status == 0, "\(run.errors)")
        let text = String(decoding: run.output, as: UTF8.self)
        #expect(text.contains("whole_system_model"))
        #expect(text.contains("duration_weeks: 20 of 20 stated read exactly"))
        #expect(text.contains("review: "))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("evidence_source") || $0.hasPrefix("fgc_timing") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.hasSuffix("1.000") }, "\(text)")
    }
}
