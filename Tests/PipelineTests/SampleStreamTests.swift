import FieldTallyTestKit
import Foundation
import Testing

extension WorkerPipeline {
    /// The shared sample through the three workers, from two different producers.
    @Suite(.timeLimit(.minutes(3)))
    struct SampleStreamTests {
        @Test func sampleSubmittedWithTallySubmitGivesExpectedTalliesAndDeadLetters() async throws {
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let submit = try await pipeline.tally(["submit", SampleStream.streamFile.path, "--quiet"])
                try #require(submit.status == 0, "tally submit failed: \(submit.errors)")
                #expect(submit.errors.contains("88 records acknowledged"), "\(submit.errors)")

                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                try await expectSampleResult(document, pipeline: pipeline)
            }
        }

        @Test func sampleProducedByKcatGivesExpectedTalliesAndDeadLetters() async throws {
            let kcat = try #require(
                ["/usr/bin/kcat", "/usr/local/bin/kcat"].first { FileManager.default.isExecutableFile(atPath: $0) },
                "kcat is not installed: run Deploy/setup.sh"
            )
            try await PipelineFixture.run { pipeline in
                try await pipeline.startPipeline()
                let produce = try await pipeline.command(
                    URL(fileURLWithPath: kcat),
                    [
                        "-P", "-b", pipeline.configuration.brokers.joined(separator: ","), "-t", pipeline.configuration.topics.submissions,
                        "-K", "\t", "-l", SampleStream.streamFile.path,
                    ]
                ).run(timeout: .seconds(60))
                try #require(produce.status == 0, "kcat failed: \(produce.errors)")

                let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
                try await expectSampleResult(document, pipeline: pipeline)
            }
        }
    }
}
