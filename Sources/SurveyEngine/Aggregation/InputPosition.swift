/// Where a message was read: an input stream (for Kafka `<topic>/<partition>`, e.g.
/// `survey.coded/3`) and its offset there. The aggregator stores the last applied offset per
/// stream in every state record it changes, so re-applying a message after a crash (the offset
/// commit is made only after the changelog write) changes nothing.
public struct InputPosition: Sendable, Hashable, Codable {
    /// The stream, e.g. `survey.coded/3`.
    public var stream: String
    /// The message's offset in the stream; offsets grow along a stream.
    public var offset: Int64

    /// Creates a position.
    ///
    /// - Parameters:
    ///   - stream: The input stream, for Kafka `<topic>/<partition>`, e.g. `survey.coded/3`; any stable name.
    ///   - offset: The message's offset in the stream; a later message must have a larger offset.
    public init(stream: String, offset: Int64) {
        self.stream = stream
        self.offset = offset
    }
}
