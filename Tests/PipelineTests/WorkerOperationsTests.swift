import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

extension WorkerPipeline {
    /// What an operations team relies on: health, metrics, graceful shutdown.
    @Suite(.timeLimit(.minutes(3)))
    struct WorkerOperationsTests {
        static let metricNames = ["tally_records_in_total", "tally_records_out_total", "tally_records_rejected_total",
                                  "tally_batch_seconds_bucket", "tally_batch_seconds_count", "tally_batch_seconds_sum",
                                  "tally_consumer_lag", "tally_commit_failures_total"]

        @Test func workersReportHealthAndMetricsAndExitZeroOnSIGTERM() async throws {
            let sample = try SampleStream.load()
            let validatorRejections = sample.outcomes.filter { ["invalid", "unknown_respondent"].contains($0.reason ?? "") }.count
            let aggregatorRejections = sample.outcomes.filter {
                ["duplicate_respondent", "stale_edit", "instance_conflict"].contains($0.reason ?? "")
            }
            try await PipelineFixture.run { pipeline in
                let workers = try await pipeline.startPipeline()
                for worker in workers {
                    let health = try await worker.get("/healthz")
                    #expect(health.status == 200, "\(worker): \(health.body)")
                }
                try await pipeline.submit(sample.keyedMessages)
                _ = try await pipeline.waitUntilReceived(sample.messages.count, timeout: .seconds(60))

                var metrics: [PipelineWorker.Stage: PrometheusText] = [:]
                for worker in workers {
                    // The lag gauge is refreshed every 5 s; wait for it rather than for a fixed time.
                    metrics[worker.stage] = try await waitForMetrics(of: worker, naming: Self.metricNames, timeout: .seconds(30))
                }
                let validate = try #require(metrics[.validate]), code = try #require(metrics[.code])
                let aggregate = try #require(metrics[.aggregate])
                #expect(validate.value("tally_records_in_total") == Double(sample.messages.count))
                #expect(validate.value("tally_records_out_total") == Double(sample.messages.count - validatorRejections))
                #expect(validate.value("tally_records_rejected_total", ["reason": "invalid"]) == 11)
                #expect(validate.value("tally_records_rejected_total", ["reason": "unknown_respondent"]) == 3)
                #expect(code.value("tally_records_in_total") == Double(sample.messages.count - validatorRejections))
                #expect(code.value("tally_records_out_total") == Double(sample.messages.count - validatorRejections))
                let codeRejections = code.all("tally_records_rejected_total")
                #expect(Set(codeRejections.compactMap { $0.labels["reason"] }) == Set(RejectionReason.allCases.map(\.rawValue)))
                #expect(codeRejections.allSatisfy { $0.value == 0 }, "tally-code rejected nothing of the sample")
                for reason in ["duplicate_respondent", "stale_edit", "instance_conflict"] {
                    #expect(aggregate.value("tally_records_rejected_total", ["reason": reason])
                        == Double(aggregatorRejections.filter { $0.reason == reason }.count), "\(reason)")
                }
                for (stage, page) in metrics {
                    #expect(page.value("tally_commit_failures_total") == 0, "\(stage)")
                    #expect((page.value("tally_batch_seconds_count") ?? 0) >= 1, "\(stage)")
                    #expect(page.value("tally_batch_seconds_bucket", ["le": "+Inf"]) == page.value("tally_batch_seconds_count"), "\(stage)")
                    #expect(page.all("tally_consumer_lag").allSatisfy { $0.labels["topic"] != nil && $0.labels["partition"] != nil }, "\(stage)")
                    #expect(page.value("tally_ready") == 1, "\(stage)")
                }

                for worker in workers {
                    let took = try await pipeline.stop(worker, within: .seconds(20))
                    #expect(worker.exitStatus == 0)
                    print("\(worker.name) exited 0 \(took) after SIGTERM")
                }
            }
        }

        /// Reads `/metrics` until every name in `names` has a sample.
        private func waitForMetrics(of worker: PipelineWorker, naming names: [String], timeout: Duration) async throws -> PrometheusText {
            let deadline = ContinuousClock.now + timeout
            while true {
                let (status, body) = try await worker.get("/metrics")
                let page = PrometheusText(body)
                let missing = names.filter { !page.names.contains($0) }
                if status == 200 && missing.isEmpty { return page }
                guard ContinuousClock.now < deadline else {
                    throw PipelineError("\(worker) /metrics (status \(status)) lacks \(missing) after \(timeout):\n\(body)")
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
