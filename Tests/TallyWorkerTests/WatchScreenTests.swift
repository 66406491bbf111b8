import FieldTallyTestKit
import SurveyEngine
import TallyWorker
import Testing

/// The screen `tally watch` draws on a terminal, on the 2018 sample's tallies: the headline on
/// top at any size, every line within the width, exactly the terminal's rows, and pages that
/// show every field once.
@Suite struct WatchScreenTests {
    let sample: TallySample
    let document: TallyDocument
    let status = WatchScreen.Status(partitionsReported: 3, partitionsTotal: 3, secondsSinceUpdate: 2)

    init() throws {
        sample = try TallySample()
        var aggregator = Aggregator(plan: sample.plan, frame: sample.frame, partition: 0)
        _ = sample.apply(to: &aggregator)
        document = TallyDocument(merged: aggregator.snapshot(asOf: "2018-06-30T12:00:00Z"), plan: sample.plan, frame: sample.frame)
    }

    /// Every page of `screen` at this size.
    func allPages(_ screen: WatchScreen, width: Int, height: Int) -> [[String]] {
        (0..<screen.pageCount(width: width, height: height)).map { screen.render(width: width, height: height, page: $0) }
    }

    /// The title line of each field of the plan, as the report starts its block.
    func fieldTitles(in lines: [String]) -> [String] {
        lines.filter { line in sample.plan.fields.contains { line.hasPrefix("\($0.name)  (answered ") } }
    }

    @Test(arguments: [(110, 45), (40, 20)])
    func everyPageKeepsTheHeadlineOnTopAndFitsTheTerminal(width: Int, height: Int) {
        let screen = WatchScreen(document: document, status: status)
        let pages = allPages(screen, width: width, height: height)
        #expect(pages.count > 1, "the sample's fields should not fit one \(width)×\(height) screen")
        for (index, lines) in pages.enumerated() {
            #expect(lines.count == height)
            #expect(lines.allSatisfy { $0.count <= width }, "a line is wider than \(width): \(lines.filter { $0.count > width })")
            #expect(lines[0].hasPrefix("wwc-csc-2018: provisional tally as of 2018-06-30T12:00:00Z".prefix(width - 1)))
            #expect(lines[1].hasPrefix("Counted respondents: 60 of 152 (39.5%"))
            #expect(lines[2].hasPrefix("partitions: 3 of 3 reported (complete) · received 88 messages · last update 2 s ago".prefix(width - 1)))
            #expect(lines.last?.hasPrefix("page \(index + 1)/\(pages.count) · ") == true)
        }
    }

    @Test(arguments: [(110, 45), (40, 20)])
    func pagesShowEveryFieldExactlyOnce(width: Int, height: Int) {
        let screen = WatchScreen(document: document, status: status)
        let wide = WatchScreen(document: document, status: status).render(width: 1_000, height: 1_000, page: 0)
        let titles = fieldTitles(in: allPages(screen, width: width, height: height).flatMap { $0 }.map { $0.replacingOccurrences(of: "…", with: "") })
        #expect(titles.count == sample.plan.fields.count)
        for field in sample.plan.fields {
            #expect(titles.filter { $0.hasPrefix("\(field.name)  (answered ") }.count == 1, "\(field.name) is not shown exactly once")
        }
        // Nothing is lost between pages: every line of the one-page report appears on some page (cut to the width).
        let shown = Set(allPages(screen, width: width, height: height).flatMap { $0 })
        let body = wide.dropFirst(5).dropLast().filter { !$0.isEmpty }
        let missing = body.filter { line in !shown.contains(line.count <= width ? line : String(line.prefix(width - 1)) + "…") }
        #expect(missing.isEmpty, "lines on no page: \(missing)")
    }

    @Test func fieldsPickOnlyTheNamedFields() {
        let picked = ["top_approaches", "established_band"]
        let screen = WatchScreen(document: document, status: status, fields: picked)
        let lines = allPages(screen, width: 110, height: 45).flatMap { $0 }
        #expect(fieldTitles(in: lines).map { String($0.prefix { $0 != " " }) } == picked)
        #expect(!lines.contains { $0.hasPrefix("Messages:") || $0.hasPrefix("Cross-tab ") })
        #expect(lines[1].hasPrefix("Counted respondents: 60 of 152 (39.5%"))
        #expect(WatchScreen.unknownFields(["top_approaches", "no_such_field", "whole_system"], in: document) == ["no_such_field", "whole_system"])
        #expect(document.textBlockNames.contains("established_band x care_trend"))
    }

    @Test func aPageBeyondTheLastShowsTheLastAndATinyTerminalStillGetsItsRows() {
        let screen = WatchScreen(document: document, status: WatchScreen.Status(partitionsReported: 1))
        let count = screen.pageCount(width: 110, height: 45)
        #expect(screen.render(width: 110, height: 45, page: 99) == screen.render(width: 110, height: 45, page: count - 1))
        #expect(screen.render(width: 110, height: 45, page: 0)[2].hasPrefix("partitions: 1 reported · received 88 messages · waiting"))
        let tiny = screen.render(width: 10, height: 3, page: 0)
        #expect(tiny.count == 3 && tiny.allSatisfy { $0.count <= 10 } && tiny[2].hasPrefix("page 1/"))
    }

    @Test func keysTurnPagesAndQuit() {
        let bytes =
            Array("n p".utf8) + [0x1B] + Array("[6~".utf8) + [0x1B] + Array("[5~".utf8) + Array("xbq".utf8) + [0x1B] + Array("[A".utf8) + [0x03]
        #expect(WatchKey.decode(bytes) == [.nextPage, .nextPage, .previousPage, .nextPage, .previousPage, .previousPage, .quit, .quit])
    }
}
