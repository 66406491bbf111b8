import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker

/// One pass of the survey engine over every message, as one process tallying a stream does:
/// each message goes validate → code → aggregate (prepare + apply) before the next is read, and
/// per batch the changelog records `tally-aggregate` writes (each changed respondent's state,
/// JSON) and the partition's partial snapshot (encoded as published) are built.
///
/// Stage shares come from a monotonic clock read at every stage boundary (vDSO, tens of ns);
/// the overall figure is the process CPU time of the whole pass, read once per batch.
struct StagedRun {
    var validate = 0.0
    var code = 0.0
    var apply = 0.0
    var changelog = 0.0
    var snapshot = 0.0
    /// The whole pass: CPU and wall seconds.
    var total = StageTime()
    var valid = 0
    var rejected = 0
    var changelogRecords = 0
    var changelogBytes = 0
    var partials = 0
    var partialBytes = 0
    /// The partition's tally after the last message.
    var final: PartialTally

    /// Seconds on the monotonic clock.
    @inline(__always)
    private static func tick() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// The stages' measured seconds, scaled so they add up to the pass's CPU time (the stage
    /// clocks are wall clocks; their proportions apportion the CPU).
    func cpuShare(of seconds: Double) -> Double {
        let measured = validate + code + apply + changelog + snapshot
        return measured > 0 ? seconds / measured * total.cpu : 0
    }

    static func measure(_ messages: [KeyedMessage], survey: SurveyDefinition, batch: Int) -> StagedRun {
        var aggregator = Aggregator(plan: survey.plan, frame: survey.frame, partition: 0)
        var run = StagedRun(final: aggregator.snapshot())
        let asOf = Date().formatted(.iso8601)
        let start = CPUClock.now()
        for first in stride(from: 0, to: messages.count, by: batch) {
            for n in first..<min(first + batch, messages.count) {
                let position = InputPosition(stream: "survey.submissions/0", offset: Int64(n))
                let t0 = tick()
                let outcome = survey.validator.validate(messages[n].value)
                let t1 = tick()
                switch outcome {
                case .valid(let submission):
                    let coding = survey.coder.code(submission: submission)
                    let t2 = tick()
                    _ = aggregator.apply(CodedSubmission(submission: submission, coding: coding), at: position)
                    let t3 = tick()
                    run.validate += t1 - t0
                    run.code += t2 - t1
                    run.apply += t3 - t2
                    run.valid += 1
                case .rejected(let rejection):
                    _ = aggregator.recordUpstreamRejection(rejection, at: position)
                    let t2 = tick()
                    run.validate += t1 - t0
                    run.apply += t2 - t1
                    run.rejected += 1
                }
            }
            let t3 = tick()
            // As AggregateProcessor does: take the changed records and copy each into a producer record.
            var records: [KafkaProducerRecord] = []
            for entry in aggregator.takeChangelog() {
                records.append(
                    KafkaProducerRecord(
                        topic: "survey.aggregate-changelog",
                        key: Array(entry.key.utf8),
                        value: Array(entry.value),
                        partition: 0
                    )
                )
            }
            let t4 = tick()
            var partial = aggregator.snapshot()
            partial.asOf = asOf
            let encoded = partial.encoded()
            let t5 = tick()
            run.changelog += t4 - t3
            run.snapshot += t5 - t4
            run.changelogRecords += records.count
            run.changelogBytes += records.reduce(0) { $0 + ($1.value?.count ?? 0) }
            run.partials += 1
            run.partialBytes += encoded.count
        }
        run.total.add(from: start, to: CPUClock.now())
        run.final = aggregator.snapshot()
        return run
    }
}
