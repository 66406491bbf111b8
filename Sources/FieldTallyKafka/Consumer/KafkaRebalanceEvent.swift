/// A change of the partitions a group consumer owns, reported synchronously on
/// the consumer thread (see ``KafkaConsumer/init(configuration:onRebalance:logger:)``).
public enum KafkaRebalanceEvent: Sendable, Hashable {
    /// These partitions are now assigned; reported after the assignment took effect.
    case assigned([KafkaTopicPartition])
    /// These partitions are about to be revoked: finish and store what you
    /// processed from them now. Unclaimed buffered records of them are already
    /// dropped; after the handler returns, stored offsets are committed and the
    /// partitions released.
    case revoking([KafkaTopicPartition])
}
