import FieldTallyTestKit
import Foundation
import Synchronization
import Testing

extension WorkerPipeline {
    /// Scaling out = more instances in the same group; the tallies do not change.
    @Suite(.timeLimit(.minutes(3)))
    struct ScaleOutTests {
        /// Messages per second: the 88 lines take about 15 s, so the second instances join (one
        /// group rebalance each, ~3 s on Tansu) while records are still arriving.
        static let pace = 6

        @Test func secondInstancesJoiningMidStreamLeaveTalliesAsExpected() async throws {
            let sample = try SampleStream.load()
            try await PipelineFixture.run { pipeline in
                let first = try await pipeline.startPipeline()
                let submissionDone = Atomic<Bool>(false)
                async let submission = {
                    defer { submissionDone.store(true, ordering: .sequentiallyConsistent) }
                    return try await pipeline.tally(
                        ["submit", SampleStream.streamFile.path, "--pace", String(Self.pace), "--quiet"],
                        timeout: .seconds(90)
                    )
                }()
                try await Task.sleep(for: .seconds(2))
                var second: [PipelineWorker] = []
                for stage in PipelineWorker.Stage.pipeline { second.append(try await pipeline.start(stage, waitUntilReady: false)) }
                for worker in second { try await pipeline.waitUntilReady(worker) }
                let joinedWhileSubmitting = !submissionDone.load(ordering: .sequentiallyConsistent)
                let submit = try await submission
                try #require(submit.status == 0, "tally submit failed: \(submit.errors)")
                #expect(joinedWhileSubmitting, "the second instances were ready only after the last record was submitted")

                let document = try await pipeline.waitUntilReceived(sample.messages.count, timeout: .seconds(60))
                try await expectSampleResult(document, pipeline: pipeline)
                for worker in first + second {
                    #expect(worker.isRunning, "\(worker) stopped")
                    let metrics = PrometheusText(try await worker.get("/metrics").body)
                    let recordsIn = metrics.value("tally_records_in_total") ?? 0
                    print("\(worker.name): \(Int(recordsIn)) records in")
                    if second.contains(where: { $0 === worker }) {
                        #expect(recordsIn > 0, "\(worker) took over no records after joining")
                    }
                }
            }
        }
    }
}
