import Crdkafka

/// Owns an `rd_kafka_topic_partition_list_t` built from Swift values.
final class RDKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ offsets: [KafkaTopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(offsets.count))
        for entry in offsets {
            rd_kafka_topic_partition_list_add(pointer, entry.topic, Int32(entry.partition)).pointee.offset = entry.offset
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// Reads a list owned by librdkafka.
    static func offsets(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartitionOffset] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return KafkaTopicPartitionOffset(
                topic: String(cString: element.topic),
                partition: Int(element.partition),
                offset: element.offset
            )
        }
    }

    /// The first per-partition error in a list owned by librdkafka, as text.
    static func firstError(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> (KafkaTopicPartition, rd_kafka_resp_err_t)? {
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            if element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                return (KafkaTopicPartition(topic: String(cString: element.topic), partition: Int(element.partition)), element.err)
            }
        }
        return nil
    }
}
