import FieldTallyTestKit
import Foundation
import Testing

extension WorkerPipeline {
    /// The pipeline over TLS: stunnel (a throwaway certificate authority) in front of Tansu, which advertises the
    /// TLS port, and every worker and command given `security.protocol=ssl` and the authority.
    @Suite(.timeLimit(.minutes(4)))
    struct TLSPipelineTests {
        @Test func wholePipelineOverTLSGivesTheSampleExpectedTallies() async throws {
            let broker = try await TestBroker.startBehindTLS()
            defer { broker.stop() }
            let tunnel = try #require(broker.tunnel)
            try await PipelineFixture.run(broker: broker) { pipeline in
                let properties = pipeline.environment["TALLY_KAFKA_PROPERTIES"] ?? ""
                #expect(properties.contains("security.protocol=ssl"), "\(properties)")
                #expect(properties.contains("ssl.ca.location=\(tunnel.certificates.authority.path)"), "\(properties)")

                try await pipeline.startPipeline()
                let tls = ["--kafka-property", "security.protocol=ssl", "--kafka-property", "ssl.ca.location=\(tunnel.certificates.authority.path)"]
                let submit = try await pipeline.tally(["submit", SampleStream.streamFile.path, "--quiet"] + tls)
                try #require(submit.status == 0, "tally submit over TLS failed: \(submit.errors)")
                #expect(submit.errors.contains("88 records acknowledged"), "\(submit.errors)")

                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(90))
                try await expectSampleResult(document, pipeline: pipeline)
                let tallies = try await pipeline.tally(["tallies", "--format", "json"] + tls)
                try #require(tallies.status == 0, "tally tallies over TLS failed: \(tallies.errors)")
                let differences = try TallyComparer().differences(expectedJSON: SampleStream.expectedJSON(), actualJSON: tallies.output)
                #expect(differences.isEmpty, "tally tallies over TLS differs from expected.json:\n\(differences.joined(separator: "\n"))")
            }
            // Every client went through the tunnel: stunnel logged the connections it forwarded.
            let log = (try? String(contentsOf: tunnel.logFile, encoding: .utf8)) ?? ""
            #expect(log.contains("accepted connection"), "stunnel log \(tunnel.logFile.path):\n\(log.suffix(2_000))")
        }

        @Test func clientTrustingAnotherAuthorityIsRefusedWithACertificateError() async throws {
            let broker = try await TestBroker.startBehindTLS()
            defer { broker.stop() }
            let stranger = try TestCertificates.makeUnrelatedAuthority()
            try await PipelineFixture.run(broker: broker) { pipeline in
                let started = ContinuousClock.now
                // The flag wins over TALLY_KAFKA_PROPERTIES, which names the right authority.
                let refused = try await pipeline.tally(
                    ["tallies", "--format", "json", "--kafka-property", "ssl.ca.location=\(stranger.path)"],
                    timeout: .seconds(150)
                )
                #expect(refused.status != 0, "tally tallies trusting another authority succeeded: \(refused.outputText.prefix(500))")
                #expect(refused.output.isEmpty, "it printed tallies: \(refused.outputText.prefix(500))")
                #expect(
                    refused.errors.contains("certificate verify failed"),
                    "standard error does not name the certificate failure:\n\(refused.errors.suffix(3_000))"
                )
                // librdkafka retries the handshake until the reader's request times out.
                #expect(ContinuousClock.now - started < .seconds(120), "refused only after \(ContinuousClock.now - started)")
            }
        }
    }
}
