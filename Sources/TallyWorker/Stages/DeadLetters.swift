import FieldTallyKafka
import Foundation
import SurveyEngine

/// Builds `survey.rejected` records for one worker.
public struct DeadLetters: Sendable {
    /// The dead-letter topic.
    public var topic: String
    /// The worker named in every dead letter.
    public var worker: String

    public init(topic: String, worker: String) {
        self.topic = topic
        self.worker = worker
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// The dead letter for `rejection` of the input `record` whose submission was first read at `source`.
    /// Keyed by the respondent when known (so it lands beside the respondent's other records), else by
    /// the input key.
    public func record(for rejection: Rejection, detail: String? = nil, input record: KafkaRecord, source: SourcePosition,
                       value: [UInt8]? = nil) -> KafkaProducerRecord {
        let letter = DeadLetter(rejection: rejection, detail: detail, worker: worker, source: source.deadLetterSource,
                                key: record.key, value: value ?? record.value ?? [])
        let bytes = (try? Self.encoder.encode(letter)).map(Array.init) ?? []
        let key = rejection.respondentId.map { Array($0.utf8) } ?? record.key
        return KafkaProducerRecord(topic: topic, key: key, value: bytes, headers: [source.kafkaHeader])
    }
}
