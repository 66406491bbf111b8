/// Records already enqueued by ``KafkaProducer/enqueue(_:)`` whose broker
/// acknowledgements can be awaited later, so a caller can keep several batches
/// in flight.
///
/// Every record gets an outcome within the producer's delivery timeout (or when
/// the producer closes), so awaiting never hangs; cancelling the awaiting task
/// does not cut the wait short.
public struct KafkaPendingDelivery: Sendable {
    let tracker: DeliveryTracker

    /// How many records this delivery covers.
    public var count: Int { tracker.count }

    /// Waits for every acknowledgement and returns the reports in record order;
    /// throws the first failure (its message says how many records failed).
    public func reports() async throws(KafkaError) -> [KafkaDeliveryReport] {
        try await tracker.reports()
    }

    /// Waits for every outcome and returns them in record order, failures included.
    public func results() async -> [KafkaDeliveryResult] {
        await tracker.results()
    }
}
