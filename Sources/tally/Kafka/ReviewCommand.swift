import ArgumentParser
import Foundation
import SurveyEngine
import TallyWorker

/// `tally review`: lists the coding review queue (`survey.coding-review`).
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List the texts the coder could not settle (the coding review queue in survey.coding-review).",
        discussion: """
            Reads survey.coding-review to its end and keeps the latest record per respondent and field (a \
            tombstone, written when a newer version or a replay with a newer codebook settles the field, removes \
            it): the items of every respondent's counted version. A text is in review when it was answered but \
            its field got no code (no_code), it got no code while another text of its field did (uncoded_text), \
            a code came only from low-confidence or review-only rules or weak signals (low_confidence), a code \
            was cancelled by a negation or scope cue (cancelled), a clause of it matched no rule but uses \
            the field's vocabulary (uncoded_clause), or the codebook's second opinion reads a code of a text \
            the rules were sure of clearly otherwise (second_opinion). \
            --format json prints one JSON line per text with the members of `tally offline --review`: \
            respondent_id, field, source, text, candidates (code, rule, matched, status, why, confidence), reason.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text (a table, texts shortened) or json (one item per line, sorted by respondent, field and source).")
    var format: Format = .text

    @Option(help: "Show only the items of this coded field, e.g. evidence_source.")
    var field: String?

    @Option(help: "Longest text shown in the table, in characters.")
    var width = 60

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "review")
        let records = try await CodingReviewReader(configuration: context.configuration, logger: context.logger).read()
        var items: [(respondentID: String, item: ReviewItem)] = []
        for record in records where field == nil || record.field == field {
            items += record.items.map { (record.respondentID, $0) }
        }
        items.sort { ($0.respondentID, $0.item.field, $0.item.source) < ($1.respondentID, $1.item.field, $1.item.source) }
        switch format {
        case .json:
            for (respondentID, item) in items { print(item.jsonLine(respondentID: respondentID)) }
        case .text:
            print(["field", "respondent", "reason", "text", "candidates"].joined(separator: "\t"))
            for (respondentID, item) in items {
                let candidates = item.candidates.map { "\($0.code) (\($0.status): \($0.why))" }.joined(separator: "; ")
                print(
                    [item.field, respondentID, item.reason.rawValue, shortened(item.text), candidates.isEmpty ? "-" : candidates]
                        .joined(separator: "\t")
                )
            }
            var byField: [String: Int] = [:]
            for (_, item) in items { byField[item.field, default: 0] += 1 }
            let counts = byField.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("\(items.count) texts in review" + (counts.isEmpty ? "" : ": " + counts))
        }
    }

    /// The text on one line, cut to `width` characters with an ellipsis.
    private func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").replacingOccurrences(of: "\t", with: " ")
        return line.count <= width ? line : String(line.prefix(max(width - 1, 1))) + "…"
    }
}
