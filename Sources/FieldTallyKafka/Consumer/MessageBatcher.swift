import Crdkafka

/// Turns what `rd_kafka_consume_batch_queue` returned into a ``KafkaBatch``
/// (copying keys, values and headers, then destroying the C messages), and
/// separates out end-of-partition events and errors. Runs on a consumer thread.
struct MessageBatcher {
    struct Output {
        var batch: KafkaBatch
        var endsOfPartition: [KafkaTopicPartitionOffset] = []
        var errors: [KafkaError] = []
    }

    let clientDescription: String

    func convert(_ messages: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>, count: Int) -> Output {
        var records: [KafkaRecord] = []
        records.reserveCapacity(count)
        var output = Output(batch: KafkaBatch(records: [], nextOffsets: []))
        // Topic names and next offsets per (topic handle, partition); a batch holds few.
        var topicNames: [(OpaquePointer, String)] = []
        var positions: [(rkt: OpaquePointer, topic: String, partition: Int32, next: Int64)] = []
        for index in 0..<count {
            guard let message = messages[index] else { continue }
            defer { rd_kafka_message_destroy(message) }
            let m = message.pointee
            let topic: String
            if let rkt = m.rkt {
                if let known = topicNames.first(where: { $0.0 == rkt }) {
                    topic = known.1
                } else {
                    topic = String(cString: rd_kafka_topic_name(rkt))
                    topicNames.append((rkt, topic))
                }
            } else {
                topic = ""
            }
            if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                output.endsOfPartition.append(KafkaTopicPartitionOffset(topic: topic, partition: Int(m.partition), offset: m.offset))
                continue
            }
            if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let detail = m.payload.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
                var where_ = clientDescription
                if !topic.isEmpty { where_ += ": topic '\(topic)' partition \(m.partition)" }
                var error = KafkaError(m.err, where_)
                if !detail.isEmpty { error.message += " (\(detail))" }
                output.errors.append(error)
                continue
            }
            var headers: [KafkaHeader] = []
            var cHeaders: OpaquePointer?
            if rd_kafka_message_headers(message, &cHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let cHeaders {
                var headerIndex = 0
                var name: UnsafePointer<CChar>?
                var value: UnsafeRawPointer?
                var size = 0
                while rd_kafka_header_get_all(cHeaders, headerIndex, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                    headers.append(
                        KafkaHeader(
                            key: name.map { String(cString: $0) } ?? "",
                            value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                        )
                    )
                    headerIndex += 1
                }
            }
            var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let timestamp = rd_kafka_message_timestamp(message, &timestampType)
            records.append(
                KafkaRecord(
                    topic: topic,
                    partition: Int(m.partition),
                    offset: m.offset,
                    key: m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) },
                    value: m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) },
                    headers: headers,
                    timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
                )
            )
            if let rkt = m.rkt {
                if let slot = positions.firstIndex(where: { $0.rkt == rkt && $0.partition == m.partition }) {
                    positions[slot].next = max(positions[slot].next, m.offset + 1)
                } else {
                    positions.append((rkt, topic, m.partition, m.offset + 1))
                }
            }
        }
        output.batch = KafkaBatch(
            records: records,
            nextOffsets: positions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: Int($0.partition), offset: $0.next) }
        )
        return output
    }
}
