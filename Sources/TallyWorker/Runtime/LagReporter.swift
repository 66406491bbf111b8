import FieldTallyKafka
import Logging
import Synchronization

/// Publishes `tally_consumer_lag{topic,partition}`: each owned partition's high watermark minus
/// the next offset the worker will process.
final class LagReporter: Sendable {
    private let admin: KafkaAdmin?
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let positions = Mutex<[KafkaTopicPartition: Int64]>([:])

    init(configuration: WorkerConfiguration, metrics: WorkerMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
        admin = try? KafkaAdmin(configuration: configuration.adminConfiguration(), logger: logger)
    }

    /// Notes the next offsets to process after a batch.
    func processed(_ next: [KafkaTopicPartition: Int64]) {
        positions.withLock { $0.merge(next) { max($0, $1) } }
    }

    /// Asks the brokers for the watermarks of `owned` partitions and sets the gauges.
    func report(owned: Set<KafkaTopicPartition>) async {
        guard let admin else { return }
        let known = positions.withLock { $0 }
        for tp in owned {
            do {
                let marks = try await admin.watermarks(topic: tp.topic, partition: tp.partition)
                let position = known[tp] ?? marks.low
                metrics.setLag(topic: tp.topic, partition: tp.partition, lag: max(0, marks.high - position))
            } catch {
                logger.debug("lag not measured", metadata: ["partition": "\(tp)", "error": "\(error)"])
            }
        }
    }
}
