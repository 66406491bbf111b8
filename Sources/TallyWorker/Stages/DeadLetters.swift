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
    /// the input key, else (a message without a key) by `source`'s text: never by an empty key, which
    /// the producer would send to a random partition, so a re-send after a crash could land on
    /// another partition than the first copy, where the aggregator's per-partition de-duplication
    /// cannot see it and would count the rejection twice.
    public func record(for rejection: Rejection, detail: String? = nil, input record: KafkaRecord, source: SourcePosition,
                       value: [UInt8]? = nil) -> KafkaProducerRecord {
        let letter = DeadLetter(rejection: rejection, detail: detail, worker: worker, source: source.deadLetterSource,
                                key: record.key, value: value ?? record.value ?? [])
        let bytes = (try? Self.encoder.encode(letter)).map(Array.init) ?? []
        var key = rejection.respondentId.map { Array($0.utf8) } ?? record.key ?? []
        if key.isEmpty { key = Array(source.text.utf8) }
        return KafkaProducerRecord(topic: topic, key: key, value: bytes, headers: [source.kafkaHeader])
    }
}
