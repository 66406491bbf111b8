import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker

/// One pass of the survey engine over every message, batch by batch as the workers see them,
/// timing each stage apart: validate → code → aggregate (apply), then per batch the changelog
/// records `tally-aggregate` writes (each changed respondent's state, JSON) and the partition's
/// partial snapshot (encoded as published).
struct StagedRun {
    var validate = StageTime()
    var code = StageTime()
    var apply = StageTime()
    var changelog = StageTime()
    var snapshot = StageTime()
    var valid = 0
    var rejected = 0
    var changelogRecords = 0
    var changelogBytes = 0
    var partials = 0
    var partialBytes = 0
    /// The partition's tally after the last message.
    var final: PartialTally

    var total: StageTime { validate + code + apply + changelog + snapshot }

    static func measure(_ messages: [KeyedMessage], survey: SurveyDefinition, batch: Int) -> StagedRun {
        var aggregator = Aggregator(plan: survey.plan, frame: survey.frame, partition: 0)
        var run = StagedRun(final: aggregator.snapshot())
        var outcomes: [ValidationOutcome] = []
        var codings: [CodingResult?] = []
        outcomes.reserveCapacity(batch)
        codings.reserveCapacity(batch)
        let asOf = Date().formatted(.iso8601)
        for start in stride(from: 0, to: messages.count, by: batch) {
            let slice = messages[start..<min(start + batch, messages.count)]

            let t0 = CPUClock.now()
            outcomes.removeAll(keepingCapacity: true)
            for message in slice { outcomes.append(survey.validator.validate(message.value)) }
            let t1 = CPUClock.now()
            codings.removeAll(keepingCapacity: true)
            for outcome in outcomes { codings.append(outcome.submission.map { survey.coder.code(submission: $0) }) }
            let t2 = CPUClock.now()
            for (n, outcome) in outcomes.enumerated() {
                let position = InputPosition(stream: "survey.submissions/0", offset: Int64(start + n))
                switch outcome {
                case .valid(let submission):
                    _ = aggregator.apply(CodedSubmission(submission: submission, coding: codings[n]!), at: position)
                case .rejected(let rejection):
                    _ = aggregator.recordUpstreamRejection(rejection, at: position)
                }
            }
            let t3 = CPUClock.now()
            // As AggregateProcessor does: take the changed records and copy each into a producer record.
            var records: [KafkaProducerRecord] = []
            for entry in aggregator.takeChangelog() {
                records.append(KafkaProducerRecord(topic: "survey.aggregate-changelog", key: Array(entry.key.utf8),
                                                   value: Array(entry.value), partition: 0))
            }
            let t4 = CPUClock.now()
            var partial = aggregator.snapshot()
            partial.asOf = asOf
            let encoded = partial.encoded()
            let t5 = CPUClock.now()

            run.validate.add(from: t0, to: t1)
            run.code.add(from: t1, to: t2)
            run.apply.add(from: t2, to: t3)
            run.changelog.add(from: t3, to: t4)
            run.snapshot.add(from: t4, to: t5)
            run.valid += codings.lazy.filter { $0 != nil }.count
            run.rejected += codings.lazy.filter { $0 == nil }.count
            run.changelogRecords += records.count
            run.changelogBytes += records.reduce(0) { $0 + ($1.value?.count ?? 0) }
            run.partials += 1
            run.partialBytes += encoded.count
        }
        run.final = aggregator.snapshot()
        return run
    }
}
