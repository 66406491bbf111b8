import Crdkafka

/// Kafka transactions (needs `transactionalID` in the configuration).
///
/// ```swift
/// try await producer.initTransactions()
/// try producer.beginTransaction()
/// _ = try await producer.sendAll(outputs)
/// try await producer.sendOffsetsToTransaction(batch.nextOffsets, consumer: consumer)
/// try await producer.commitTransaction()   // or abortTransaction()
/// ```
/// Errors carry `isRetriable`, `requiresTransactionAbort` and `isFatal`: retry the
/// call, abort and start over, or recreate the producer, respectively.
extension KafkaProducer {
    /// Registers the transactional id with the broker, fencing older producers
    /// with the same id and finishing their open transactions. Call once, first.
    ///
    /// - Parameter timeout: Longest wait for the broker, clamped to librdkafka's `int` milliseconds. Default: 30 s.
    /// - Throws: ``KafkaError/Code/closed`` or ``KafkaError/Code/fatal`` when the producer is unusable; otherwise
    ///   librdkafka's error: `timed_out` is retriable (call again); `not_configured` means `transactionalID` is not set.
    public func initTransactions(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try checkUsable("init transactions")
        let client = client
        try await blocking.run { () throws(KafkaError) in
            try KafkaError.check(
                rd_kafka_init_transactions(client.pointer, timeout.timeoutMilliseconds),
                "\(client.callbacks.clientDescription): init transactions"
            )
        }
    }

    /// Starts a transaction; records sent until commit or abort belong to it.
    public func beginTransaction() throws(KafkaError) {
        try checkUsable("begin transaction")
        try KafkaError.check(
            rd_kafka_begin_transaction(client.pointer),
            "\(client.callbacks.clientDescription): begin transaction"
        )
    }

    /// Commits `offsets` (positions of the next records to read) for `consumer`'s
    /// group as part of the current transaction: they count only if it commits.
    ///
    /// - Parameters:
    ///   - offsets: For each partition, the offset of the next record to read (the last processed offset + 1),
    ///     e.g. ``KafkaBatch/nextOffsets``.
    ///   - consumer: The consumer that read the records; its group metadata fences zombie members of the group.
    ///   - timeout: Longest wait for the group coordinator. Default: 30 s.
    /// - Throws: ``KafkaError`` from the consumer (closed) or librdkafka; check `requiresTransactionAbort`,
    ///   `isRetriable` and `isFatal` on it to decide between aborting, retrying and recreating the producer.
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartitionOffset],
        consumer: KafkaConsumer,
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) {
        try checkUsable("send offsets to transaction")
        let metadata = try consumer.groupMetadata()
        let client = client
        try await blocking.run { () throws(KafkaError) in
            let list = RDKafkaTopicPartitionList(offsets)
            try KafkaError.check(
                rd_kafka_send_offsets_to_transaction(client.pointer, list.pointer, metadata.pointer, timeout.timeoutMilliseconds),
                "\(client.callbacks.clientDescription): send offsets \(offsets) to transaction"
            )
        }
    }

    /// Flushes the transaction's records and commits it; they become visible to
    /// `read_committed` readers.
    ///
    /// - Parameter timeout: Longest wait for the flush and the commit, together. Default: 30 s.
    /// - Throws: ``KafkaError``; with `requiresTransactionAbort` call ``abortTransaction(timeout:)``, with
    ///   `isRetriable` call this again, with `isFatal` recreate the producer.
    public func commitTransaction(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try checkUsable("commit transaction")
        let client = client
        try await blocking.run { () throws(KafkaError) in
            try KafkaError.check(
                rd_kafka_commit_transaction(client.pointer, timeout.timeoutMilliseconds),
                "\(client.callbacks.clientDescription): commit transaction"
            )
        }
    }

    /// Aborts the transaction: its records are never visible to `read_committed`
    /// readers and its offsets are not committed. Outstanding sends of it fail.
    ///
    /// - Parameter timeout: Longest wait for outstanding records to be purged and the abort to complete. Default: 30 s.
    /// - Throws: ``KafkaError``; `timed_out` is retriable (call again), `isFatal` means recreate the producer.
    public func abortTransaction(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try checkUsable("abort transaction")
        let client = client
        try await blocking.run { () throws(KafkaError) in
            try KafkaError.check(
                rd_kafka_abort_transaction(client.pointer, timeout.timeoutMilliseconds),
                "\(client.callbacks.clientDescription): abort transaction"
            )
        }
    }
}
