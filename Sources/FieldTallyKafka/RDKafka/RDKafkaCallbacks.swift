import Crdkafka
import Logging
import Synchronization

/// What a client's C callbacks need, reached through librdkafka's `opaque`.
///
/// The owning ``RDKafkaClient`` keeps it alive until after `rd_kafka_destroy`,
/// so the unretained pointer handed to librdkafka never dangles.
final class RDKafkaCallbacks: Sendable {
    /// Called on the consumer thread for a rebalance: (handle, event code, partitions).
    typealias RebalanceHandler =
        @Sendable (
            OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
        ) -> Void

    let logger: Logger
    /// Names the client in messages: `"producer (brokers 127.0.0.1:9092)"`.
    let clientDescription: String
    let events: AsyncStream<KafkaClientEvent>.Continuation
    let rebalance: RebalanceHandler?
    private let lastError = Lock<KafkaError?>(nil)
    private let fatalError = Lock<KafkaError?>(nil)

    init(
        clientDescription: String,
        logger: Logger,
        events: AsyncStream<KafkaClientEvent>.Continuation,
        rebalance: RebalanceHandler? = nil
    ) {
        self.clientDescription = clientDescription
        self.logger = logger
        self.events = events
        self.rebalance = rebalance
    }

    /// The most recent error librdkafka reported in the background (e.g. a
    /// refused connection), to explain a later timeout.
    var mostRecentError: KafkaError? { lastError.withLock { $0 } }

    /// The fatal error that stopped this client, if any.
    var fatal: KafkaError? { fatalError.withLock { $0 } }

    func recordError(_ error: KafkaError) {
        lastError.withLock { $0 = error }
        if error.isFatal { fatalError.withLock { if $0 == nil { $0 = error } } }
        events.yield(.error(error))
    }

    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_error_cb(conf, errorCallback)
        rd_kafka_conf_set_stats_cb(conf, statisticsCallback)
        rd_kafka_conf_set_log_cb(conf, logCallback)
        if rebalance != nil { rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback) }
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbacks? {
        guard let opaque else { return nil }
        return Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }
}

private func errorCallback(
    _ rk: OpaquePointer?,
    _ code: Int32,
    _ reason: UnsafePointer<CChar>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let callbacks = RDKafkaCallbacks.from(opaque) else { return }
    let err = rd_kafka_resp_err_t(code)
    var error: KafkaError
    if err == RD_KAFKA_RESP_ERR__FATAL, let rk {
        // The _FATAL code only says "fatal"; the underlying cause is fetched separately.
        var buffer = [CChar](repeating: 0, count: 512)
        let underlying = rd_kafka_fatal_error(rk, &buffer, buffer.count)
        error = KafkaError(
            code: .fatal,
            message: "\(callbacks.clientDescription) hit a fatal error and must be recreated: "
                + "\(String(cString: rd_kafka_err2name(underlying))): \(String(cBuffer: buffer))",
            isFatal: true
        )
    } else {
        error = KafkaError(
            code: KafkaError.Code(err),
            message: "\(callbacks.clientDescription): \(reason.map { String(cString: $0) } ?? "no reason given")"
        )
        error.isRetriable = true
    }
    if error.isFatal {
        callbacks.logger.critical("\(error.message)")
    } else {
        callbacks.logger.debug("\(error.message)")
    }
    callbacks.recordError(error)
}

private func statisticsCallback(
    _ rk: OpaquePointer?,
    _ json: UnsafeMutablePointer<CChar>?,
    _ length: Int,
    _ opaque: UnsafeMutableRawPointer?
) -> Int32 {
    guard let callbacks = RDKafkaCallbacks.from(opaque), let json else { return 0 }
    let text = json.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    callbacks.events.yield(.statistics(json: text))
    return 0  // librdkafka frees the JSON buffer
}

private func logCallback(
    _ rk: OpaquePointer?,
    _ level: Int32,
    _ facility: UnsafePointer<CChar>?,
    _ message: UnsafePointer<CChar>?
) {
    guard let rk, let callbacks = RDKafkaCallbacks.from(rd_kafka_opaque(rk)) else { return }
    let text = "\(facility.map { String(cString: $0) } ?? "-"): \(message.map { String(cString: $0) } ?? "")"
    let swiftLevel: Logger.Level =
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    callbacks.logger.log(level: swiftLevel, "\(text)", metadata: ["kafka.client": "\(callbacks.clientDescription)"])
}

private func rebalanceCallback(
    _ rk: OpaquePointer?,
    _ code: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let rk, let partitions, let callbacks = RDKafkaCallbacks.from(opaque), let handler = callbacks.rebalance
    else { return }
    handler(rk, code, partitions)
}
