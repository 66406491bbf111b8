import FieldTallyKafka

/// What one batch turned into: records to produce, in phases, and counts for the metrics.
///
/// Each phase is acknowledged by the broker before the next is sent, and the input offsets are
/// stored only after the last phase: a worker that must never lose a dead letter for a message
/// whose state change is durable puts the dead letters in an earlier phase than the state.
public struct BatchOutput: Sendable {
    /// Records to produce, phase by phase.
    public var phases: [[KafkaProducerRecord]]
    /// Dead letters written, by reason code.
    public var rejectedByReason: [String: Int]
    /// Records written to output topics other than the dead-letter topic.
    public var outputCount: Int
    /// Called once every phase was acknowledged (before the input offsets are stored), e.g. to
    /// mark state that is now durable. Batches are pipelined (the next one is processed while
    /// this one is delivered), so what it marks is captured here, not read from the processor.
    public var onDelivered: (@Sendable () -> Void)?

    /// An output of the given phases and counts.
    /// - Parameters:
    ///   - phases: records to produce, phase by phase, each phase acknowledged before the next. Default: none.
    ///   - rejectedByReason: dead letters among them, by reason code, for the metrics. Default: none.
    ///   - outputCount: records written to output topics other than the dead-letter topic. Default: 0.
    ///   - onDelivered: called once every phase was acknowledged, before the input offsets are stored. Default: none.
    public init(
        phases: [[KafkaProducerRecord]] = [],
        rejectedByReason: [String: Int] = [:],
        outputCount: Int = 0,
        onDelivered: (@Sendable () -> Void)? = nil
    ) {
        self.phases = phases
        self.rejectedByReason = rejectedByReason
        self.outputCount = outputCount
        self.onDelivered = onDelivered
    }

    /// The output of a stateless stage that either forwards each record or dead-letters it:
    /// one phase, forwarded records first, then dead letters (each in input order), rejections
    /// counted by reason.
    /// - Parameter outcomes: per input record, its output record and the reason code when that
    ///   output is a dead letter (`nil` for a forwarded record).
    public init(forwardingOrRejecting outcomes: [(record: KafkaProducerRecord, rejection: String?)]) {
        var forwarded: [KafkaProducerRecord] = []
        var rejected: [KafkaProducerRecord] = []
        var reasons: [String: Int] = [:]
        forwarded.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            if let reason = outcome.rejection {
                rejected.append(outcome.record)
                reasons[reason, default: 0] += 1
            } else {
                forwarded.append(outcome.record)
            }
        }
        self.init(phases: [forwarded + rejected], rejectedByReason: reasons, outputCount: forwarded.count)
    }
}
