import FieldTallyKafka

/// Where a submission was first read (`survey.submissions` topic, partition, offset), carried
/// along the pipeline in the `fieldtally-source` header so the aggregator can recognise a
/// message delivered twice inside the pipeline (after a worker crash) and count it once.
extension KafkaTopicPartitionOffset {
    /// The header that carries a submission's first position: `fieldtally-source`.
    public static let sourceHeaderName = "fieldtally-source"

    /// The position a record carries in its `fieldtally-source` header, or the record's own
    /// position when it has none (a record produced into a middle topic by someone else).
    /// - Parameter record: a consumed record.
    public static func carried(by record: KafkaRecord) -> KafkaTopicPartitionOffset {
        if let value = record.header(sourceHeaderName)?.value,
            let parsed = KafkaTopicPartitionOffset(text: String(decoding: value, as: UTF8.self))
        {
            return parsed
        }
        return KafkaTopicPartitionOffset(of: record)
    }

    /// This position as the `fieldtally-source` header.
    public var sourceHeader: KafkaHeader { KafkaHeader(key: Self.sourceHeaderName, string: text) }
}
