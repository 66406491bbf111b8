/// An error from FieldTallyKafka: a stable ``Code``, a message naming what failed
/// and where (operation, topic, partition, brokers), and librdkafka's
/// classification of the failure.
public struct KafkaError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable error code.
    ///
    /// Codes that come from librdkafka are its error name, lower-cased, without the
    /// leading underscore that marks local errors (`_MSG_TIMED_OUT` becomes
    /// `msg_timed_out`, `TOPIC_ALREADY_EXISTS` becomes `topic_already_exists`).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's text, e.g. `msg_timed_out`.
        public let rawValue: String

        /// Creates a code from its text.
        ///
        /// - Parameter rawValue: The code's text, lower-case with underscores, e.g. `msg_timed_out`; any text is accepted.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The code's text.
        public var description: String { rawValue }

        /// A configuration property was unknown or had an invalid value.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The local producer queue stayed full until the enqueue deadline
        /// (back-pressure the caller should slow down for).
        public static let queueFull = Code(rawValue: "queue_full")
        /// A message was not acknowledged within the delivery timeout.
        public static let messageTimedOut = Code(rawValue: "msg_timed_out")
        /// An operation did not complete within its timeout.
        public static let timedOut = Code(rawValue: "timed_out")
        /// No broker could be reached.
        public static let allBrokersDown = Code(rawValue: "all_brokers_down")
        /// A connection to a broker failed.
        public static let transport = Code(rawValue: "transport")
        /// The client hit an unrecoverable error and must be recreated.
        public static let fatal = Code(rawValue: "fatal")
        /// The client was closed before or during the operation.
        public static let closed = Code(rawValue: "closed")
        /// The operation is not valid in the client's current state.
        public static let state = Code(rawValue: "state")
        /// A message was removed from the queue because the producer closed.
        public static let purged = Code(rawValue: "purge_queue")
        /// The topic does not exist on the cluster.
        public static let unknownTopic = Code(rawValue: "unknown_topic_or_part")
        /// An argument was invalid.
        public static let invalidArgument = Code(rawValue: "invalid_arg")
    }

    /// What went wrong, as a stable code.
    public var code: Code
    /// A sentence a person can act on, naming the operation and where it failed.
    public var message: String
    /// True when the client cannot continue and must be closed and recreated.
    public var isFatal: Bool
    /// True when retrying the same operation may succeed.
    public var isRetriable: Bool
    /// True when the current transaction must be aborted before continuing.
    public var requiresTransactionAbort: Bool

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong, as a stable code.
    ///   - message: A sentence naming the operation and where it failed (client, topic, partition, brokers).
    ///   - isFatal: The client cannot continue and must be recreated. Default: false.
    ///   - isRetriable: Retrying the same operation may succeed. Default: false.
    ///   - requiresTransactionAbort: The current transaction must be aborted before continuing. Default: false.
    public init(
        code: Code,
        message: String,
        isFatal: Bool = false,
        isRetriable: Bool = false,
        requiresTransactionAbort: Bool = false
    ) {
        self.code = code
        self.message = message
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.requiresTransactionAbort = requiresTransactionAbort
    }

    /// `"[code] message"`.
    public var description: String { "[\(code)] \(message)" }
}
