import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyDashboard
import Testing

/// The dashboard in a real headless Chromium, on the real pipeline: three workers and
/// `tally-dashboard` as processes on a Tansu broker.
@Suite("Dashboard in a headless browser", .serialized, .timeLimit(.minutes(5)))
struct DashboardBrowserTests {
    /// The figures the sample's final tally shows, as the page writes them.
    static let rate = "60 of 152, 39.5%"
    static let wholeSystem = "49 · 81.7%"
    static let signsOfSafety = "21 · 35.0%"
    static let hostile = "<img src=x onerror=alert(1)>"

    /// Where the screenshots go: `$FIELDTALLY_TEST_OUTPUT`, else `.build/test-output/`.
    static var outputDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["FIELDTALLY_TEST_OUTPUT"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent("dashboard")
        }
        return SampleStream.packageRoot.appendingPathComponent(".build/test-output/dashboard")
    }

    /// The text of the bar row `field:code` (label, bar, value).
    static func row(_ key: String) -> String {
        "return Array.from(document.querySelectorAll('[data-row=\"\(key)\"]')).map(function (e) { return e.textContent; }).join(' ');"
    }

    @Test func thePageFollowsTheSampleLiveSurvivesARestartAndShowsHostileTextAsText() async throws {
        try await PipelineFixture.run { pipeline in
            try await pipeline.startPipeline()
            let port = try freeLoopbackPort()
            var dashboard = try await DashboardProcess.start(on: pipeline, port: port)
            let browser = try await HeadlessChromium(width: 1280, height: 1800)
            defer { browser.close() }
            do {
                try await browser.open(dashboard.baseURL + "/")
                try await browser.waitForText(within: .seconds(20), "the empty survey (0 of 152)") { $0.contains("0 of 152, 0.0%") }
                // Set on the page now: a reload would lose it.
                _ = try await browser.run("window.fieldtallyMarker = 'no reload'; return true;")

                try await pipeline.submit(try SampleStream.load().keyedMessages)
                try await browser.waitForText(within: .seconds(90), Self.rate) { $0.contains(Self.rate) }
                let whole = try await browser.run(Self.row("top_approaches:whole_system")) as? String ?? ""
                let signs = try await browser.run(Self.row("whole_system_model:signs_of_safety")) as? String ?? ""
                #expect(whole.contains(Self.wholeSystem), "whole_system row: \(whole)")
                #expect(signs.contains(Self.signsOfSafety), "signs_of_safety row: \(signs)")
                let text = try await browser.text()
                #expect(text.contains("92 still to respond"))
                #expect(text.contains("3 of 3 partitions reported, complete"))
                #expect(text.contains("88 messages received"))
                // The review panel: items per field (the tally) and the newest texts awaiting review (survey.coding-review).
                try await browser.waitForText(within: .seconds(30), "the texts awaiting review") { $0.contains("Latest texts awaiting review") }
                let reviewRows = try await browser.run("return document.querySelectorAll('[data-row^=\"review:\"]').length;") as? Int
                let reviewTexts = try await browser.run("return document.querySelectorAll('#coding-review li .msg').length;") as? Int
                #expect((reviewRows ?? 0) > 0, "review counts per field")
                #expect(reviewTexts == DashboardState.reviewLimit, "the sample leaves more texts in review than the page lists")

                // Kill the dashboard; the page notices, and reconnects by itself to a new one.
                await dashboard.kill()
                try await browser.waitForText(within: .seconds(20), "the lost connection") { $0.contains("Connection to the dashboard lost") }
                dashboard = try await DashboardProcess.start(on: pipeline, port: port, logName: "tally-dashboard-restarted")
                try await browser.waitForText(within: .seconds(30), "the figures after the restart") {
                    $0.contains(Self.rate) && !$0.contains("Connection to the dashboard lost")
                }
                #expect((try await browser.run(Self.row("top_approaches:whole_system")) as? String ?? "").contains(Self.wholeSystem))
                #expect((try await browser.run(Self.row("whole_system_model:signs_of_safety")) as? String ?? "").contains(Self.signsOfSafety))
                #expect(try await browser.run("return window.fieldtallyMarker;") as? String == "no reload", "the page was not reloaded")

                // A submission carrying markup: shown as text in the dead letters, never run.
                let sample = try SampleStream.load()
                var value = String(decoding: sample.messages[0].value, as: UTF8.self)
                value = value.replacingOccurrences(of: sample.messages[0].key, with: Self.hostile)
                value = value.replacingOccurrences(of: "uuid:585ab0e6", with: "uuid:00000000")
                try await pipeline.submit([KeyedMessage(key: Array(Self.hostile.utf8), value: Array(value.utf8))])
                try await browser.waitForText(within: .seconds(60), "the hostile text as text") { $0.contains(Self.hostile) }
                #expect(try await browser.openDialog() == nil, "no dialog opened")
                #expect(try await browser.run("return document.querySelectorAll('img').length;") as? Int == 0, "no <img> element was made")

                // Screenshots at desktop and phone width: the whole page each time.
                let directory = Self.outputDirectory
                for (name, width, whole) in [
                    ("dashboard-desktop.png", 1280, true), ("dashboard-phone.png", 390, true),
                    ("dashboard-phone-first-screen.png", 390, false),
                ] {
                    try await browser.resize(width: width, height: 844)
                    let height = try await browser.run("return document.documentElement.scrollHeight;") as? Int ?? 2_000
                    if whole { try await browser.resize(width: width, height: min(height + 140, 12_000)) }
                    try await Task.sleep(for: .milliseconds(300))
                    let file = directory.appendingPathComponent(name)
                    try await browser.screenshot(to: file)
                    print("dashboard screenshot (\(width) px wide): \(file.path)")
                }
                #expect(try await browser.openDialog() == nil)
                try await dashboard.stop()
            } catch {
                print(dashboard.logTail(lines: 40))
                await dashboard.kill()
                throw error
            }
        }
    }

    @Test func withATokenConfiguredTheRealDashboardAnswers401ButHealthStaysOpen() async throws {
        try await PipelineFixture.run { pipeline in
            let dashboard = try await DashboardProcess.start(on: pipeline, port: try freeLoopbackPort(), arguments: ["--auth-token", "field-secret"])
            do {
                #expect(await dashboard.get("/api/tallies").status == 401)
                #expect(await dashboard.get("/").status == 401)
                #expect(await dashboard.get("/api/tallies", headers: ["Authorization": "Bearer field-secret"]).status == 200)
                #expect(await dashboard.get("/healthz").status == 200)
                #expect(await dashboard.get("/livez").status == 200)
                let stopped = try await dashboard.stop()
                #expect(stopped < .seconds(10))
            } catch {
                await dashboard.kill()
                throw error
            }
        }
    }
}
