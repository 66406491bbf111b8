import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker

/// The engine work each worker process does per record, without Kafka: the real
/// `ValidateProcessor` and `CodeProcessor` on in-memory records (validation, coding, coded
/// record and dead-letter encoding), then what `tally-aggregate` does to a record before
/// `Aggregator.apply` (decode the coded record without its evidence, validate the document
/// again; decode upstream dead letters without their values).
struct WorkerWorkRun {
    var validateWorker = StageTime()
    var codeWorker = StageTime()
    var aggregateIntake = StageTime()
    var codedBytes = 0
    var codedRecords = 0
    var deadLetters = 0

    static func measure(_ messages: [KeyedMessage], survey: SurveyDefinition, batch: Int) async throws -> WorkerWorkRun {
        var run = WorkerWorkRun()
        let validate = ValidateProcessor(validator: survey.validator, configuration: WorkerConfiguration(workerName: "tally-validate"))
        let code = CodeProcessor(validator: survey.validator, coder: survey.coder, configuration: WorkerConfiguration(workerName: "tally-code"))
        let topics = WorkerConfiguration.Topics()
        let parser = JSONParser()
        var sink = 0
        for start in stride(from: 0, to: messages.count, by: batch) {
            let input = (start..<min(start + batch, messages.count)).map { n in
                KafkaRecord(topic: topics.submissions, partition: 0, offset: Int64(n), key: messages[n].key, value: messages[n].value)
            }
            let t0 = CPUClock.now()
            let validated = try await validate.process(input)
            let t1 = CPUClock.now()
            let forward = validated.phases.joined().filter { $0.topic == topics.valid }
            var offset = Int64(start)
            let validRecords = forward.map { record -> KafkaRecord in
                offset += 1
                return KafkaRecord(topic: topics.valid, partition: 0, offset: offset, key: record.key, value: record.value, headers: record.headers)
            }
            let t2 = CPUClock.now()
            let coded = try await code.process(validRecords)
            let t3 = CPUClock.now()
            let codedValues = coded.phases.joined().filter { $0.topic == topics.coded }.compactMap(\.value)
            let letters = validated.phases.joined().filter { $0.topic == topics.rejected }.compactMap(\.value)
            let t4 = CPUClock.now()
            for value in codedValues {
                // As AggregateProcessor.intake: decode without evidence, validate again (the
                // submission is re-serialised only for the rare dead letter, so not here).
                guard let record = try? CodedRecord(bytes: value, parser: parser, readsEvidence: false) else { continue }
                if case .valid = survey.validator.validate(document: record.submission) { sink &+= 1 }
            }
            for value in letters {
                if let letter = DeadLetter.withoutValue(value) { sink &+= letter.reason.count }
            }
            let t5 = CPUClock.now()
            run.validateWorker.add(from: t0, to: t1)
            run.codeWorker.add(from: t2, to: t3)
            run.aggregateIntake.add(from: t4, to: t5)
            run.codedRecords += codedValues.count
            run.codedBytes += codedValues.reduce(0) { $0 + $1.count }
            run.deadLetters += letters.count
        }
        precondition(sink != 0)
        return run
    }
}
