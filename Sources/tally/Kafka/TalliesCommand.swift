import ArgumentParser
import Foundation
import SurveyEngine
import TallyWorker

/// Options shared by the commands that print a merged tally document.
struct DocumentOptions: ParsableArguments {
    @Option(help: "The survey (form id) when --schemas holds several.")
    var form: String?

    @Option(help: "Hide counts from 1 to N-1 (small-cell suppression, applied when reading). Default: off.")
    var suppressBelow: Int?

    func options(asOf: String?) -> TallyDocument.Options {
        TallyDocument.Options(suppressBelow: suppressBelow, provisional: true, asOf: asOf)
    }
}

/// `tally tallies`: reads the newest partial of every partition once, merges, prints.
struct TalliesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tallies",
        abstract: "Print the merged tallies published on survey.tallies (the same document as `tally offline --format json`).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Option(help: "text, json or csv.")
    var format: Format = .json

    @OptionGroup var document: DocumentOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "tallies")
        let survey = try context.survey(form: document.form)
        let set = try await TallyTopicReader(configuration: context.configuration, formId: survey.plan.formId, logger: context.logger).read()
        let merged = set.merged()
        let doc = TallyDocument(merged: merged, plan: survey.plan, frame: survey.frame, options: document.options(asOf: merged.asOf))
        switch format {
        case .json: print(doc.json())
        case .text: print(doc.textReport(), terminator: "")
        case .csv: print(try TallyCSV.render(doc), terminator: "")
        }
    }
}

/// The tally document's per-code rows as CSV: one row per field and code.
enum TallyCSV {
    static let header = ["field", "code", "count", "base_all", "base_answered", "percent_of_all", "percent_of_answered",
                         "wilson95_all_low", "wilson95_all_high", "wilson95_answered_low", "wilson95_answered_high"]

    static func render(_ document: TallyDocument) throws -> String {
        let json = try JSONParser().parse(document.json(pretty: false))
        var lines = [header.joined(separator: ",")]
        func number(_ v: JSONValue?) -> String {
            guard let n = v?.numberValue else { return "" }
            return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(format: "%.4f", n)
        }
        let fields = json["fields"]?.objectValue ?? [:]
        for name in document.fieldOrder {
            guard let field = fields[name] else { continue }
            for (code, value) in (field["codes"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let all = value["wilson95_all"]?.arrayValue ?? []
                let answered = value["wilson95_answered"]?.arrayValue ?? []
                lines.append([csv(name), csv(code), number(value["count"]), number(field["base_all"]), number(field["base_answered"]),
                              number(value["percent_of_all"]), number(value["percent_of_answered"]),
                              number(all.first), number(all.last), number(answered.first), number(answered.last)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func csv(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

extension TallyDocument {
    /// The tallied fields in the plan's order.
    var fieldOrder: [String] { fields.map(\.name) }
}
