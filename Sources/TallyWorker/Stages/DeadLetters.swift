import FieldTallyKafka
import Foundation
import SurveyEngine

/// Builds `survey.rejected` records for one worker.
public struct DeadLetters: Sendable {
    /// The dead-letter topic.
    public var topic: String
    /// The worker named in every dead letter.
    public var worker: String
    /// The largest record the worker may write: a dead letter that would be larger keeps only the
    /// start of the original value (``DeadLetter/valueTruncated``), so an oversized message is
    /// dead-lettered instead of failing delivery forever. Default: `WorkerConfiguration.defaultMaxRecordBytes`.
    public var maxRecordBytes: Int

    /// How much of an original too large for a dead letter is kept, at most: 64 KiB.
    public static let keptPrefixBytes = 64 * 1_024
    /// Room kept under `maxRecordBytes` for the key, headers and record framing.
    static let recordOverhead = 16 * 1_024

    /// Creates a dead-letter builder from explicit settings.
    /// - Parameters:
    ///   - topic: the dead-letter topic every record is addressed to.
    ///   - worker: the worker name written into every letter (aggregators use it to skip their own).
    ///   - maxRecordBytes: the largest record the worker may write, in bytes; a larger letter keeps
    ///     only a start of the original value. Default: `WorkerConfiguration.defaultMaxRecordBytes`.
    public init(topic: String, worker: String, maxRecordBytes: Int = WorkerConfiguration.defaultMaxRecordBytes) {
        self.topic = topic
        self.worker = worker
        self.maxRecordBytes = maxRecordBytes
    }

    /// The dead letters of the worker `configuration` describes: its dead-letter topic, its name
    /// and its largest record.
    /// - Parameter configuration: supplies `topics.rejected`, `workerName` and `maxRecordBytes`.
    public init(configuration: WorkerConfiguration) {
        self.init(topic: configuration.topics.rejected, worker: configuration.workerName, maxRecordBytes: configuration.maxRecordBytes)
    }

    /// The dead letter for `rejection` of the input `record` whose submission was first read at
    /// `source`, keyed as ``key(respondentID:originalKey:source:)`` says.
    ///
    /// The letter holds the original value when it fits. When the encoded letter would exceed
    /// `maxRecordBytes` less 16 KiB of room for key, headers and framing (but never less than 1 KiB),
    /// at most ``keptPrefixBytes`` of the original are kept and halved until the letter fits; a UTF-8
    /// original is cut at a character boundary. The letter then sets ``DeadLetter/valueTruncated`` and
    /// ``DeadLetter/valueBytes``.
    /// - Parameters:
    ///   - rejection: why the submission is not counted: reason, problems and respondent id, if known.
    ///   - detail: a sentence for the reader where the problems do not say it all (e.g. which edit a
    ///     stale one lost to). Default: none.
    ///   - record: the input record being rejected; its key is kept and its value is the default original.
    ///   - source: the submission's first-read position, carried in the letter and its source header.
    ///   - value: the original bytes to keep instead of `record.value`, e.g. the submission inside a
    ///     coded record. Default: the input record's value (empty when it has none).
    /// - Returns: a record for ``topic``, never with an empty key.
    public func record(
        for rejection: Rejection,
        detail: String? = nil,
        input record: KafkaRecord,
        source: KafkaTopicPartitionOffset,
        value: [UInt8]? = nil
    ) -> KafkaProducerRecord {
        let original = value ?? record.value ?? []
        let letter = DeadLetter(
            rejection: rejection,
            detail: detail,
            worker: worker,
            source: source,
            key: record.key,
            value: original
        )
        var bytes = letter.jsonBytes
        let limit = max(1_024, maxRecordBytes - Self.recordOverhead)
        if bytes.count > limit {
            // Escaping can make a letter several times larger than its original: halve until it fits.
            let isText = String(validating: original, as: UTF8.self) != nil
            var keep = min(original.count, Self.keptPrefixBytes)
            repeat {
                var cut = keep
                // Cut a text at a character boundary, so the kept start is still text.
                while isText, cut > 0, cut < original.count, original[cut] & 0xC0 == 0x80 { cut -= 1 }
                var truncated = DeadLetter(
                    rejection: rejection,
                    detail: detail,
                    worker: worker,
                    source: source,
                    key: record.key,
                    value: Array(original.prefix(cut))
                )
                truncated.valueTruncated = true
                truncated.valueBytes = original.count
                bytes = truncated.jsonBytes
                keep /= 2
            } while bytes.count > limit && keep > 0
        }
        return KafkaProducerRecord(
            topic: topic,
            key: Self.key(respondentID: rejection.respondentId, originalKey: record.key, source: source),
            value: bytes,
            headers: [source.sourceHeader]
        )
    }

    /// The record of a dead letter read back from a dead-letter topic, written again to this
    /// one (what `tally replay` carries over), keyed and framed as the worker first wrote it.
    /// - Parameter letter: the letter, as read.
    public func record(carrying letter: DeadLetter) -> KafkaProducerRecord {
        KafkaProducerRecord(
            topic: topic,
            key: Self.key(
                respondentID: letter.respondentID,
                originalKey: letter.key.map { Array($0.utf8) },
                source: letter.source
            ),
            value: letter.jsonBytes,
            headers: [letter.source.sourceHeader]
        )
    }

    /// The key of a dead letter's record: the respondent when known (so it lands beside the
    /// respondent's other records), else the original key, else (a message without a key) the
    /// source position's text. Never empty: the producer sends an unkeyed record to a random
    /// partition, so a second copy (a re-send after a crash, a replay) could land on another
    /// partition than the first, where the aggregator's per-partition de-duplication, which
    /// expects each source stream's letters in offset order, would miscount it.
    static func key(respondentID: String?, originalKey: [UInt8]?, source: KafkaTopicPartitionOffset) -> [UInt8] {
        let key = respondentID.map { Array($0.utf8) } ?? originalKey ?? []
        return key.isEmpty ? Array(source.text.utf8) : key
    }
}
