import FieldTallyKafka
import Foundation
import SurveyEngine

/// Every partial tally published to a tallies topic, in order, with its timestamp: when each
/// partition's count (its sequence number = messages counted) reached a value.
struct TallyTimeline {
    struct Point {
        /// The record's timestamp (the aggregator's produce time), ms since 1970.
        var timestamp: Int64
        var sequence: UInt64
    }

    /// Per partition, points in publishing order (sequences only grow).
    var partitions: [Int: [Point]] = [:]
    /// The newest partial per partition.
    var latest = PartialTallySet(formId: "")

    /// The merged count of messages received so far.
    var received: Int { latest.merged().paradata.received }

    /// Reads the topic to its end.
    static func read(_ topic: String, formId: String, brokers: [String]) async throws -> TallyTimeline {
        var timeline = TallyTimeline(latest: PartialTallySet(formId: formId))
        _ = try await TopicScan.read(topic, brokers: brokers) { record in
            guard let value = record.value, let partial = try? PartialTally(decoding: Data(value)),
                let (partition, sequence) = partial.partitions.first, partial.partitions.count == 1
            else { return }
            _ = try? timeline.latest.offer(partial)
            timeline.partitions[partition, default: []].append(Point(timestamp: record.timestampMilliseconds ?? 0, sequence: sequence))
        }
        return timeline
    }

    /// When partition `partition` first published a count of at least `count`, or nil.
    func firstTime(partition: Int, reaching count: UInt64) -> Int64? {
        partitions[partition]?.first { $0.sequence >= count }?.timestamp
    }

    /// When the sum of the newest counts of all partitions first reached `total`, or nil.
    func firstTime(totalReaching total: UInt64) -> Int64? {
        let points = partitions.flatMap { p, list in list.map { (p, $0) } }.sorted { $0.1.timestamp < $1.1.timestamp }
        var newest: [Int: UInt64] = [:]
        for (p, point) in points {
            newest[p] = max(newest[p] ?? 0, point.sequence)
            if newest.values.reduce(0, +) >= total { return point.timestamp }
        }
        return nil
    }
}
