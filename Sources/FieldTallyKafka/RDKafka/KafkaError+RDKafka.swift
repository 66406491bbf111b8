import Crdkafka

extension KafkaError.Code {
    /// The code for a librdkafka error: its name, lower-cased, without a leading `_`.
    init(_ error: rd_kafka_resp_err_t) {
        var name = String(cString: rd_kafka_err2name(error)).lowercased()
        if name.hasPrefix("_") { name.removeFirst() }
        self.init(rawValue: name)
    }
}

extension KafkaError {
    /// An error for a librdkafka response code: `"<context>: <librdkafka's description>"`.
    init(_ error: rd_kafka_resp_err_t, _ context: String, isFatal: Bool = false) {
        self.init(
            code: Code(error),
            message: "\(context): \(String(cString: rd_kafka_err2str(error)))",
            isFatal: isFatal || error == RD_KAFKA_RESP_ERR__FATAL
        )
    }

    /// An error for a librdkafka error object, which it destroys.
    init(consuming error: OpaquePointer, _ context: String) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: Code(rd_kafka_error_code(error)),
            message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            requiresTransactionAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }

    /// Throws unless `error` is `NO_ERROR`.
    static func check(_ error: rd_kafka_resp_err_t, _ context: @autoclosure () -> String) throws(KafkaError) {
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(error, context()) }
    }

    /// Throws if librdkafka returned an error object (and destroys it).
    static func check(_ error: OpaquePointer?, _ context: @autoclosure () -> String) throws(KafkaError) {
        if let error { throw KafkaError(consuming: error, context()) }
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: .closed, message: "\(what): the client is closed")
    }
}
