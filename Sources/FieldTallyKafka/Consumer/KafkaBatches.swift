/// The batches of a ``KafkaConsumer`` as an async sequence.
public struct KafkaBatches: AsyncSequence, Sendable {
    /// A batch.
    public typealias Element = KafkaBatch
    /// The consumer's fatal error.
    public typealias Failure = KafkaError

    let consumer: KafkaConsumer

    /// Iterates by calling ``KafkaConsumer/nextBatch()``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer

        /// The next batch, or nil once the consumer is closed.
        public mutating func next() async throws(KafkaError) -> KafkaBatch? {
            try await consumer.nextBatch()
        }

        /// The next batch, or nil once the consumer is closed.
        ///
        /// - Parameter actor: The caller's isolation, which the wait inherits; not used otherwise.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> KafkaBatch? {
            try await consumer.nextBatch()
        }
    }

    /// Makes an iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }
}
