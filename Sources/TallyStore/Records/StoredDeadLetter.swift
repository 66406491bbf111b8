import FieldTallyKafka
import Foundation
import TallyWorker

/// One row of `dead_letters`: a `survey.rejected` record, where it was read and why its message
/// was not counted.
public struct StoredDeadLetter: Sendable, Hashable {
    /// The dead-letter topic, partition and offset the record was read at (the row's key).
    public var position: KafkaTopicPartitionOffset
    /// The stable reason code (`invalid`, `duplicate_respondent`, …), or `unreadable` for a
    /// record that is not a dead letter.
    public var reason: String
    /// The worker that rejected the message.
    public var worker: String?
    /// The respondent the message named, if any.
    public var respondentID: String?
    /// The rejected message's key.
    public var key: String?
    /// Where the rejected message was first read (its `survey.submissions` position).
    public var source: KafkaTopicPartitionOffset?
    /// When the worker rejected it (RFC 3339).
    public var rejectedAt: String?
    /// The dead letter's JSON as published (problems, detail, the original message).
    public var letter: String

    /// The reason stored for a record on the dead-letter topic that is not a dead letter.
    public static let unreadableReason = "unreadable"

    /// The row for the record `record` of the dead-letter topic.
    ///
    /// Never fails: a value that does not decode as a ``DeadLetter`` (or is missing) is kept with
    /// reason ``unreadableReason`` and no other fields, so the row still records the position.
    ///
    /// - Parameter record: A `survey.rejected` record; its topic, partition and offset become
    ///   ``position``, its value (as UTF-8 text) ``letter``.
    public init(record: KafkaRecord) {
        position = KafkaTopicPartitionOffset(topic: record.topic, partition: record.partition, offset: record.offset)
        let bytes = record.value ?? []
        letter = String(decoding: bytes, as: UTF8.self)
        guard let decoded = try? JSONDecoder().decode(DeadLetter.self, from: Data(bytes)) else {
            reason = Self.unreadableReason
            return
        }
        reason = decoded.reason
        worker = decoded.worker
        respondentID = decoded.respondentID
        key = decoded.key
        source = decoded.source
        rejectedAt = decoded.rejectedAt
    }

    /// A row with its values (for reading the table back).
    ///
    /// - Parameters:
    ///   - position: The dead-letter topic, partition and offset the record was read at.
    ///   - reason: The stable reason code, or ``unreadableReason``.
    ///   - worker: The worker that rejected the message, if the letter said.
    ///   - respondentID: The respondent the message named, if any.
    ///   - key: The rejected message's key, if any.
    ///   - source: Where the rejected message was first read, if the letter said.
    ///   - rejectedAt: When it was rejected (RFC 3339), if the letter said.
    ///   - letter: The dead letter's JSON as published.
    public init(
        position: KafkaTopicPartitionOffset,
        reason: String,
        worker: String?,
        respondentID: String?,
        key: String?,
        source: KafkaTopicPartitionOffset?,
        rejectedAt: String?,
        letter: String
    ) {
        self.position = position
        self.reason = reason
        self.worker = worker
        self.respondentID = respondentID
        self.key = key
        self.source = source
        self.rejectedAt = rejectedAt
        self.letter = letter
    }
}
