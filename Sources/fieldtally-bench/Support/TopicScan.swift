import FieldTallyKafka
import Foundation

/// A whole topic read once to its end (no group, nothing committed): how many records, and
/// the earliest and latest record timestamps (producer create time, milliseconds since 1970).
/// Completion is always measured by reading like this, never by watermarks (Tansu's are wrong).
struct TopicScan {
    var count = 0
    var firstTimestamp: Int64?
    var lastTimestamp: Int64?

    /// Seconds from the first to the last record's timestamp.
    var span: Double? {
        guard let first = firstTimestamp, let last = lastTimestamp else { return nil }
        return Double(last - first) / 1000
    }

    /// Reads `topic`, handing every record to `visit` as well.
    static func read(_ topic: String, brokers: [String], visit: (KafkaRecord) throws -> Void = { _ in }) async throws -> TopicScan {
        var configuration = KafkaReaderConfiguration(bootstrapServers: brokers)
        configuration.clientID = "fieldtally-bench-scan"
        configuration.batching.maxRecords = 5_000
        configuration.batching.maxWait = .milliseconds(20)
        // Tansu holds a fetch of an empty partition for the whole wait (librdkafka's default: 500 ms).
        configuration.additionalProperties["fetch.wait.max.ms"] = "20"
        var scan = TopicScan()
        _ = try await KafkaTopicReader(configuration: configuration).readToEnd(topic: topic) { batch in
            for record in batch.records {
                scan.count += 1
                if let ts = record.timestampMilliseconds {
                    scan.firstTimestamp = min(scan.firstTimestamp ?? ts, ts)
                    scan.lastTimestamp = max(scan.lastTimestamp ?? ts, ts)
                }
                try visit(record)
            }
        }
        return scan
    }

    /// Both scans together (e.g. a worker's two output topics).
    func combined(with other: TopicScan) -> TopicScan {
        TopicScan(
            count: count + other.count,
            firstTimestamp: [firstTimestamp, other.firstTimestamp].compactMap { $0 }.min(),
            lastTimestamp: [lastTimestamp, other.lastTimestamp].compactMap { $0 }.max()
        )
    }
}

extension Date {
    /// Milliseconds since 1970, as Kafka timestamps count.
    var kafkaMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
