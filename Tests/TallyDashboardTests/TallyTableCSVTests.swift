import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyWorker
import Testing

@Suite("Tally table CSV and small-cell suppression")
struct TallyTableCSVTests {
    static func sampleDocument() throws -> (TallyDocument, SurveyDefinition) {
        let survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path)
        var offline = OfflineTally(survey: survey)
        for message in try SampleStream.load().keyedMessages { offline.process(message) }
        return (offline.document(), survey)
    }

    static func rows(_ csv: String) -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows["\(cells[0]):\(cells[1])"] = cells
        }
        return rows
    }

    @Test func theSampleGivesOneRowPerFieldAndCodeWithBothBasesAndTheInterval() throws {
        let (document, _) = try Self.sampleDocument()
        let csv = TallyTableCSV.render(document)
        #expect(csv.hasPrefix("field,code,count,base_all,pct_all,base_answered,pct_answered,ci_low,ci_high\n"))
        let rows = Self.rows(csv)
        #expect(rows.count == document.fields.reduce(0) { $0 + $1.codes.count })
        let whole = try #require(rows["top_approaches:whole_system"])
        #expect(whole[2] == "49" && whole[3] == "60" && whole[5] == "60")
        #expect(String(format: "%.1f", Double(whole[4]) ?? 0) == "81.7")
        let signs = try #require(rows["whole_system_model:signs_of_safety"])
        #expect(signs[2] == "21" && signs[3] == "60" && signs[5] == "49")
        #expect(String(format: "%.1f", Double(signs[4]) ?? 0) == "35.0")
        #expect(String(format: "%.1f", Double(signs[6]) ?? 0) == "42.9")
        let low = Double(signs[7]) ?? 0
        let high = Double(signs[8]) ?? 0
        #expect(low < 42.9 && 42.9 < high && String(format: "%.2f", low) == "30.02", "ci is the Wilson interval of pct_answered")
    }

    @Test func suppressionHidesSmallCountsAndTheComplementsThatWouldRevealThem() throws {
        let (document, survey) = try Self.sampleDocument()
        let threshold = 5
        let suppressed = SmallCellSuppression.apply(to: document, below: threshold, plan: survey.plan)
        let rows = Self.rows(TallyTableCSV.render(suppressed))
        for field in document.fields {
            for code in field.codes {
                let count = try #require(code.count)
                let row = try #require(rows["\(field.name):\(code.code)"])
                if count > 0 && count < threshold {
                    #expect(row[2] == "<5" && row[4].isEmpty && row[6].isEmpty && row[7].isEmpty, "\(field.name):\(code.code) is hidden")
                }
                if count > 0 && field.baseAnswered - count > 0 && field.baseAnswered - count < threshold {
                    #expect(row[2] == "<5", "\(field.name):\(code.code) would reveal its small complement")
                }
                if count == 0 { #expect(row[2] == "0") }
            }
            // In a field whose codes partition those who answered, one hidden cell never stands alone.
            if let plan = survey.plan.field(named: field.name), case .options(_, false) = plan.origin {
                let hidden = field.codes.filter { row in rows["\(field.name):\(row.code)"]?[2] == "<5" }
                #expect(hidden.count != 1, "\(field.name): a single hidden cell could be worked out from the base")
            }
        }
        #expect(rows.values.contains { $0[2] == "<5" }, "the sample has small cells")
        #expect(rows["top_approaches:whole_system"]?[2] == "49", "large counts stay visible")
        let json = suppressed.json()
        #expect(json.contains(#""suppression""#))
    }
}
