import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension WorkerPipeline {
    /// `tally-intake --poll-odk` against a fake ODK Central serving the sample's submissions as
    /// recorded OData rows (there is no Central here).
    @Suite(.timeLimit(.minutes(4)))
    struct CentralPollerTests {
        @Test func pollerFollowsTheFeedPicksUpEditsAndHandsNothingOverTwice() async throws {
            let form = "wwc-csc-2018"
            let central = try await FakeODKCentral(project: 7, form: form)
            defer { central.stop() }
            let (firsts, edited) = try Self.feed()
            #expect(firsts.count == 60)
            try central.setRows(firsts)
            let cursor = FileManager.default.temporaryDirectory.appendingPathComponent("odk-cursor-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: cursor) }
            let arguments = [
                "--poll-odk", central.baseURL.absoluteString, "--project", "7", "--form", form, "--cursor-file", cursor.path,
                "--poll-interval", "500ms", "--poll-page-size", "25",
            ]
            let credentials = ["TALLY_ODK_EMAIL": central.email, "TALLY_ODK_PASSWORD": central.password]
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                var gateway = try await IntakeGatewayProcess.start(for: pipeline, arguments: arguments, environment: credentials)
                _ = try await pipeline.waitUntilReceived(60, timeout: .seconds(60))
                // Four submissions are edited in Central: each row now holds its new version, with a later updatedAt.
                try central.setRows(edited)
                _ = try await pipeline.waitUntilReceived(64, timeout: .seconds(60))
                // A restarted poller resumes from its cursor file and hands nothing over again.
                #expect(gateway.terminate() == 0, "\(gateway.logTail())")
                let pagesBefore = central.servedPages()
                gateway = try await IntakeGatewayProcess.start(for: pipeline, arguments: arguments, environment: credentials)
                defer { gateway.terminate() }
                // Two polls by the new poller: whatever the first fetched is produced before the second starts.
                let deadline = ContinuousClock.now + .seconds(30)
                while central.servedPages() < pagesBefore + 2 {
                    #expect(ContinuousClock.now < deadline, "the restarted poller did not poll twice in 30 s\n\(gateway.logTail())")
                    guard ContinuousClock.now < deadline else { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await pipeline.submittedRecords() == 64, "the restarted poller produced again\n\(gateway.logTail())")
                let document = try await pipeline.waitUntilReceivedEverythingSubmitted(timeout: .seconds(60))
                #expect(document.paradata.received == 64, "every first version and every edit once\n\(gateway.logTail())")
                #expect(document.paradata.acceptedFirstSubmissions == 60)
                #expect(document.paradata.acceptedEdits == 4)
                #expect(document.paradata.noopIdenticalResends == 0)
                #expect(document.paradata.rejectedTotal == 0)
                let differences = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), document: document)
                    .filter { !$0.contains("paradata") }
                #expect(differences.isEmpty, "counted tallies differ from expected.json:\n\(differences.joined(separator: "\n"))")
                #expect(central.servedIDs().count >= 64)
            }
        }

        /// The sample's accepted versions as Central shows them: first the 60 first versions
        /// (submission date from `submitted_at`), then the same feed with four rows edited.
        static func feed() throws -> (firsts: [JSONValue], edited: [JSONValue]) {
            let parse = ISO8601DateFormatter()
            let write = ISO8601DateFormatter()
            write.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            write.timeZone = TimeZone(identifier: "UTC")
            var rows: [JSONObject] = []
            var edited: [JSONObject] = []
            for (message, outcome) in try SampleStream.load().lines where outcome.outcome == "accepted" {
                var row = try #require(PlatformPayloads.centralRow(message.value)?.objectValue)
                var system = row["__system"]?.objectValue ?? JSONObject()
                if outcome.kind == "first" {
                    let date = try #require(outcome.submittedAt.flatMap { parse.date(from: $0) })
                    system["submissionDate"] = .string(write.string(from: date))
                    system["updatedAt"] = JSONValue.null
                    row["__system"] = .object(system)
                    rows.append(row)
                } else {
                    edited.append(row)
                }
            }
            var feed = rows
            for (n, edit) in edited.enumerated() {
                let index = try #require(feed.firstIndex { $0["respondent_id"] == edit["respondent_id"] })
                var row = edit
                var system = row["__system"]?.objectValue ?? JSONObject()
                system["submissionDate"] = feed[index]["__system"]?["submissionDate"]
                system["updatedAt"] = .string("2019-01-0\(n + 1)T09:00:00.000Z")
                row["__system"] = .object(system)
                row["__id"] = feed[index]["__id"]
                feed[index] = row
            }
            return (rows.map(JSONValue.object), feed.map(JSONValue.object))
        }
    }
}
