/// Something a client reports while it runs, delivered on its `events` stream.
///
/// The stream keeps the newest 256 events when nobody reads it, so an unread
/// stream never blocks or grows without bound.
public enum KafkaClientEvent: Sendable {
    /// librdkafka's statistics JSON, emitted every `statisticsInterval` when set.
    case statistics(json: String)
    /// An error reported by librdkafka outside any single call: broker connection
    /// failures (usually transient, librdkafka retries), or a fatal error
    /// (`isFatal`), after which the client must be recreated.
    case error(KafkaError)
}
