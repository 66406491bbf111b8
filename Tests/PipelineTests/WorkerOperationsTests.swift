import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyWorker
import Testing

extension WorkerPipeline {
    /// What an operations team relies on: health, metrics, graceful shutdown.
    @Suite(.timeLimit(.minutes(3)))
    struct WorkerOperationsTests {
        static let metricNames = [
            "tally_records_in_total", "tally_records_out_total", "tally_records_rejected_total",
            "tally_batch_seconds_bucket", "tally_batch_seconds_count", "tally_batch_seconds_sum",
            "tally_consumer_lag", "tally_commit_failures_total",
        ]

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
                let validate = try #require(metrics[.validate])
                let code = try #require(metrics[.code])
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
                    #expect(
                        aggregate.value("tally_records_rejected_total", ["reason": reason])
                            == Double(aggregatorRejections.filter { $0.reason == reason }.count),
                        "\(reason)"
                    )
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

        /// A worker whose broker has died cannot commit or leave its group; SIGTERM must still end
        /// it within `--shutdown-timeout`, abandoning its uncommitted offsets with a log line.
        @Test func sigtermWithTheBrokerDeadExitsWithinTheShutdownTimeout() async throws {
            let sample = try SampleStream.load()
            let broker = try await TestBroker.start()
            defer { broker.stop() }
            var options = PipelineFixture.Options()
            let timeout = Duration.seconds(3)
            options.environment["TALLY_SHUTDOWN_TIMEOUT"] = "3s"
            try await PipelineFixture.run(options, broker: broker) { pipeline in
                let workers = try await pipeline.startPipeline()
                try await pipeline.submit(sample.keyedMessages)
                _ = try await pipeline.waitUntilReceived(sample.messages.count, timeout: .seconds(60))
                broker.stop()  // SIGKILL: Tansu is gone without closing anything
                try await Task.sleep(for: .milliseconds(500))
                for worker in workers {
                    let started = ContinuousClock.now
                    worker.send(SIGTERM)
                    let exited = await worker.waitUntilExit(timeout: timeout + .seconds(5))
                    let took = ContinuousClock.now - started
                    #expect(exited, "\(worker) still running \(took) after SIGTERM with a \(timeout) shutdown timeout\n\(worker.logTail())")
                    guard exited else { continue }
                    #expect(!worker.wasKilledBySignal)
                    #expect(took < timeout + .seconds(2), "\(worker) took \(took)")
                    if worker.exitStatus == WorkerExit.shutdownTimedOut {
                        #expect(worker.log.contains("shutdown did not finish in time"), "\(worker.logTail())")
                    } else {
                        #expect(worker.exitStatus == 0, "\(worker) exited \(worker.exitStatus ?? -1)\n\(worker.logTail())")
                    }
                    print("\(worker.name) exited \(worker.exitStatus ?? -1) \(took) after SIGTERM with its broker dead")
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
