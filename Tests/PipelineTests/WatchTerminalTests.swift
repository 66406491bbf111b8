import FieldTallyTestKit
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension WorkerPipeline {
    /// `tally watch` as a user runs it: in a 110×45 and a 40×20 terminal (a pseudo-terminal) the
    /// headline with the response rate stays on top, keys page and quit, a resize redraws, and the
    /// terminal is given back; piped, it prints the plain report as before.
    @Suite(.timeLimit(.minutes(4)))
    struct WatchTerminalTests {
        static let enter = "\u{1B}[?1049h\u{1B}[?25l"
        static let leave = "\u{1B}[?25h\u{1B}[?1049l"

        func watch(_ pipeline: PipelineFixture, _ arguments: [String], width: Int, height: Int) throws -> PseudoTerminal {
            var environment = pipeline.environment
            environment["TERM"] = "xterm-256color"
            environment.removeValue(forKey: "COLUMNS")
            environment.removeValue(forKey: "LINES")
            return try PseudoTerminal(
                BuildProducts.executable(named: "tally"),
                ["watch"] + arguments,
                environment: environment,
                width: width,
                height: height
            )
        }

        @Test func aTerminalShowsTheHeadlineOnTopPagesWithKeysAndIsGivenBack() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let submit = try await pipeline.tally(["submit", SampleStream.streamFile.path, "--quiet"])
                try #require(submit.status == 0, "tally submit failed: \(submit.errors)")
                _ = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))

                // 110×45: the screen ends once every message is counted, the headline first.
                let wide = try watch(pipeline, ["--until-received", "88"], width: 110, height: 45)
                let status = try await wide.exitStatus(timeout: .seconds(60))
                #expect(status == 0, "tally watch exited \(status): \(wide.errorText)")
                #expect(wide.text.hasPrefix(Self.enter), "it did not take the alternate screen")
                #expect(wide.text.hasSuffix(Self.leave), "it did not give the terminal back")
                let frame = wide.lastFrame
                #expect(frame.count == 45, "the frame has \(frame.count) rows:\n\(frame.joined(separator: "\n"))")
                #expect(frame.allSatisfy { $0.count <= 110 }, "rows wider than 110: \(frame.filter { $0.count > 110 })")
                #expect(frame.first?.hasPrefix("wwc-csc-2018: provisional tally as of ") == true)
                #expect(frame.dropFirst().first?.hasPrefix("Counted respondents: 60 of 152 (39.5%") == true, "\(frame.prefix(3))")
                #expect(frame.dropFirst(2).first?.hasPrefix("partitions: 3 of 3 reported (complete) · received 88 messages · last update ") == true)
                #expect(frame.last?.hasPrefix("page 1/") == true)
                #expect(frame.contains { $0.hasPrefix("top_approaches  (answered ") })
                #expect(frame.contains { $0.contains("whole_system") && $0.contains("49") && $0.contains("81.7%") })

                // 40×20: n turns the page, q quits; raw mode is undone.
                let narrow = try watch(pipeline, [], width: 40, height: 20)
                try await narrow.wait(for: "the complete headline") { $0.contains("Counted respondents: 60 of 152 (39.5%") }
                try await narrow.wait(for: "page 1") { $0.contains("page 1/") }
                narrow.type("n")
                try await narrow.wait(for: "page 2 after n") { $0.contains("page 2/") }
                let second = narrow.lastFrame
                #expect(second.count == 20 && second.allSatisfy { $0.count <= 40 })
                #expect(second.dropFirst().first?.hasPrefix("Counted respondents: 60 of 152 (39.5%") == true, "\(second.prefix(3))")
                #expect(narrow.localModes & tcflag_t(ICANON | ECHO) == 0, "the watch should read keys unechoed, one by one")
                // A resize redraws at the new size at once.
                narrow.resize(width: 70, height: 30)
                try await narrow.wait(for: "a 70×30 frame after SIGWINCH") { _ in narrow.lastFrame.count == 30 }
                #expect(narrow.lastFrame.allSatisfy { $0.count <= 70 })
                narrow.type("q")
                #expect(try await narrow.exitStatus() == 0)
                #expect(narrow.text.hasSuffix(Self.leave))
                #expect(
                    narrow.localModes & tcflag_t(ICANON | ECHO | ISIG) == tcflag_t(ICANON | ECHO | ISIG),
                    "the terminal's modes were not restored"
                )

                // SIGTERM: the terminal is given back too.
                let stopped = try watch(pipeline, [], width: 80, height: 24)
                try await stopped.wait(for: "the headline") { $0.contains("Counted respondents: 60 of 152") }
                stopped.process.terminate()
                #expect(try await stopped.exitStatus() == 128 + SIGTERM)
                #expect(stopped.text.hasSuffix(Self.leave))
                #expect(stopped.localModes & tcflag_t(ICANON | ECHO) == tcflag_t(ICANON | ECHO))

                // Piped: the plain report, as `tally tallies --format text` prints it, after one heading line.
                let piped = try await pipeline.tally(["watch", "--until-received", "88"])
                try #require(piped.status == 0, "tally watch (piped) failed: \(piped.errors)")
                let text = try await pipeline.tally(["tallies", "--format", "text"])
                let brokers = pipeline.configuration.brokers.joined(separator: ",")
                #expect(
                    piped.outputText == "FieldTally watch: 88 messages received, 60 respondents counted — \(brokers)\n\n" + text.outputText + "\n"
                )
                #expect(!piped.outputText.contains("\u{1B}"), "piped output holds escape sequences")

                // --fields: an unknown name is an error that lists the known ones; a known one picks.
                let unknown = try await pipeline.tally(["watch", "--until-received", "88", "--fields", "top_approaches,no_such"])
                #expect(unknown.status != 0)
                #expect(unknown.errors.contains("'no_such'") && unknown.errors.contains("known: top_approaches, "), "\(unknown.errors)")
                let picked = try await pipeline.tally(["watch", "--until-received", "88", "--fields", "established_band"])
                #expect(picked.outputText.contains("Counted respondents: 60 of 152 (39.5%"))
                #expect(picked.outputText.contains("\nestablished_band  (answered ") && !picked.outputText.contains("top_approaches"))
            }
        }
    }
}
