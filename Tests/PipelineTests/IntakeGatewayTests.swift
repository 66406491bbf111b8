import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension WorkerPipeline {
    /// tally-intake in front of the three workers: each payload kind of the sample, posted over
    /// HTTP, ends in the same tallies as the sample produced straight to Kafka.
    @Suite(.timeLimit(.minutes(4)))
    struct IntakeGatewayTests {
        static let form = "wwc-csc-2018"

        @Test func sampleAsJSONLinesThroughTheGatewayGivesExpectedTalliesAndDeadLetters() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let gateway = try await IntakeGatewayProcess.start(for: pipeline)
                defer { gateway.terminate() }
                let sample = try SampleStream.load()
                let body = sample.messages.flatMap { $0.value + [UInt8(ascii: "\n")] }
                let answer = try await gateway.post("/v1/submissions", body: body, contentType: "application/x-ndjson")
                // Three lines are not JSON (an XML instance, a truncated document, invalid UTF-8): recorded, reported.
                #expect(answer.status == 400, "\(answer.text)")
                #expect(answer.headers["content-type"] == "application/problem+json")
                let problem = try JSONParser().parse(Array(answer.body))
                #expect(problem["recorded"]?.numberValue == 88)
                #expect(problem["accepted"]?.numberValue == 85)
                #expect(problem["errors"]?.arrayValue?.compactMap { $0["line"]?.numberValue } == [52, 54, 67])

                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                try await expectSampleResult(document, pipeline: pipeline)
            }
        }

        @Test func tallySubmitOverHTTPSendsTheSampleThroughTheGateway() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let gateway = try await IntakeGatewayProcess.start(for: pipeline)
                defer { gateway.terminate() }
                let submit = try await pipeline.tally([
                    "submit", SampleStream.streamFile.path, "--quiet", "--http", "http://127.0.0.1:\(gateway.port)",
                ])
                try #require(submit.status == 0, "tally submit --http failed: \(submit.errors)")
                #expect(submit.errors.contains("88 records stored"), "\(submit.errors)")
                #expect(submit.errors.contains("3 of them unreadable"), "\(submit.errors)")
                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                try await expectSampleResult(document, pipeline: pipeline)
            }
        }

        @Test func accessPolicyAsksForCredentialsAndLimitsTheRate() async throws {
            let policy = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).yaml")
            try Data(
                """
                sources:
                  kobo:
                    basic: { user: kobo, password_env: INTAKE_TEST_KOBO_PASSWORD }
                    rate: { per_second: 0.5, burst: 2 }
                """.utf8
            ).write(to: policy)
            defer { try? FileManager.default.removeItem(at: policy) }
            try await PipelineFixture.run { pipeline in
                let gateway = try await IntakeGatewayProcess.start(
                    for: pipeline,
                    arguments: ["--access", policy.path],
                    environment: ["INTAKE_TEST_KOBO_PASSWORD": "s3cret"]
                )
                defer { gateway.terminate() }
                let submission = try #require(SampleStream.load().messages.first)
                let body = try #require(PlatformPayloads.kobo(submission.value, id: 1))
                let path = "/v1/kobo/\(Self.form)"
                let anonymous = try await gateway.post(path, body: body, contentType: "application/json")
                #expect(anonymous.status == 401)
                #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Basic") == true)
                let basic = ["Authorization": "Basic " + Data("kobo:s3cret".utf8).base64EncodedString()]
                let accepted = try await gateway.post(path, body: body, contentType: "application/json", headers: basic)
                #expect(accepted.status == 202, "\(accepted.text)")
                let second = try await gateway.post(path, body: body, contentType: "application/json", headers: basic)
                #expect(second.status == 202, "a retry of the same submission is answered 2xx")
                let limited = try await gateway.post(path, body: body, contentType: "application/json", headers: basic)
                #expect(limited.status == 429)
                #expect(limited.headers["retry-after"] != nil)
                let disabled = try await gateway.post("/v1/submissions", body: submission.value, contentType: "application/json")
                #expect(disabled.status == 403, "a source the policy does not list")
            }
        }

        @Test func sampleAsKoboJSONGivesExpectedTallies() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let gateway = try await IntakeGatewayProcess.start(for: pipeline)
                defer { gateway.terminate() }
                let statuses = try await postSample(to: gateway, path: "/v1/kobo/\(Self.form)", contentType: "application/json") { message in
                    PlatformPayloads.kobo(message.value, id: message.line)
                }
                #expect(statuses.filter { $0 == 202 }.count == 84, "\(statuses)")
                #expect(statuses.filter { $0 == 400 }.count == 3, "the three lines that are not JSON")
                #expect(statuses.filter { $0 == 422 }.count == 1, "the empty submission maps to nothing")
                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                try expectTallies(document, ignoring: [], pipeline: pipeline)
            }
        }

        @Test func sampleAsODKInstancesGivesExpectedTallies() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let gateway = try await IntakeGatewayProcess.start(for: pipeline)
                defer { gateway.terminate() }
                let statuses = try await postSample(to: gateway, path: "/v1/odk/\(Self.form)", contentType: "text/xml") { message in
                    PlatformPayloads.openRosa(message.value)
                }
                // Line 52 is itself an OpenRosa instance (without a submission time): through the ODK route it is
                // read as one, and rejected by the validator for what it lacks rather than as not-JSON.
                #expect(statuses.filter { $0 == 202 }.count == 84, "\(statuses)")
                #expect(statuses.filter { $0 == 400 }.count == 2)
                #expect(statuses.filter { $0 == 422 }.count == 2)
                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                try expectTallies(document, ignoring: ["invalid_messages_by_problem_codes", "invalid_problems_by_code"], pipeline: pipeline)
                let letters = try await pipeline.deadLetters()
                let line52 = try #require(letters.first { $0.instanceID == "uuid:0fb00baf-ac43-442a-a887-2410a5e2326e" })
                #expect(line52.reason == "invalid")
                #expect(line52.problems.contains { $0.pointer == "/submitted_at" && $0.code.rawValue == "required" })
                #expect(line52.value?.contains("intake_payload") == true, "the dead letter keeps the original XML")
            }
        }

        @Test func sampleAsODKCentralRowsGivesExpectedTallies() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let gateway = try await IntakeGatewayProcess.start(for: pipeline)
                defer { gateway.terminate() }
                let statuses = try await postSample(to: gateway, path: "/v1/odk/\(Self.form)", contentType: "application/json") { message in
                    PlatformPayloads.centralRow(message.value).map { JSONWriter().bytes($0) }
                }
                #expect(statuses.filter { $0 == 202 }.count == 84, "\(statuses)")
                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                // A Central row names no form; the gateway supplies the form of the path, so the empty
                // submission lacks one member fewer than the sample's.
                try expectTallies(document, ignoring: ["invalid_messages_by_problem_codes", "invalid_problems_by_code"], pipeline: pipeline)
            }
        }

        @Test func badRequestsGetProblemDocuments() async throws {
            try await PipelineFixture.run { pipeline in
                let gateway = try await IntakeGatewayProcess.start(for: pipeline, environment: ["TALLY_INTAKE_MAX_BODY_BYTES": "4096"])
                defer { gateway.terminate() }
                let big = try await gateway.post(
                    "/v1/submissions",
                    body: Array(repeating: UInt8(ascii: " "), count: 5_000),
                    contentType: "application/json"
                )
                #expect(big.status == 413)
                let unknown = try await gateway.post("/v1/kobo/no-such-form", body: Array("{}".utf8), contentType: "application/json")
                #expect(unknown.status == 404)
                let empty = try await gateway.post("/v1/submissions", body: [], contentType: "application/json")
                #expect(empty.status == 400)
                let xml = try await gateway.post("/v1/odk/\(Self.form)", body: Array("<data><unclosed></data>".utf8), contentType: "text/xml")
                #expect(xml.status == 400)
                for answer in [big, unknown, empty, xml] {
                    #expect(answer.headers["content-type"] == "application/problem+json")
                    let problem = try JSONParser().parse(Array(answer.body))
                    #expect(problem["status"]?.numberValue == Double(answer.status))
                    #expect(problem["type"]?.stringValue?.hasPrefix("urn:fieldtally:problem:") == true)
                    #expect((problem["detail"]?.stringValue ?? "").count > 10, "\(answer.text)")
                }
                let xmlProblem = try JSONParser().parse(Array(xml.body))
                #expect(xmlProblem["type"]?.stringValue == "urn:fieldtally:problem:invalid-xml", "\(xml.text)")
            }
        }
    }
}

/// Posts every sample line, in order, converted by `convert` (a line it cannot convert, one
/// that is not JSON, is posted as it is), and returns the statuses.
func postSample(
    to gateway: IntakeGatewayProcess,
    path: String,
    contentType: String,
    _ convert: (SampleStream.Message) -> [UInt8]?
) async throws -> [Int] {
    var statuses: [Int] = []
    for message in try SampleStream.load().messages {
        let answer = try await gateway.post(path, body: convert(message) ?? message.value, contentType: contentType)
        statuses.append(answer.status)
    }
    return statuses
}

/// Checks the merged tallies equal `expected.json` except the paradata members `ignoring`,
/// and that every message was received.
func expectTallies(
    _ document: TallyDocument,
    ignoring: [String],
    pipeline: PipelineFixture,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let differences = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), document: document)
        .filter { line in !ignoring.contains { line.contains($0) } }
    #expect(
        differences.isEmpty,
        "tallies differ from expected.json:\n\(differences.joined(separator: "\n"))\n\(pipeline.logTails())",
        sourceLocation: sourceLocation
    )
    #expect(document.paradata.received == 88, sourceLocation: sourceLocation)
    #expect(document.paradata.rejectedByReason["invalid"] == 11, sourceLocation: sourceLocation)
}
