/// One row of `tally_series`: the merged tallies after one change.
public struct TallyChange: Sendable, Hashable {
    /// The change's number: 1 for the first, counting up by one.
    public var change: Int64
    /// The survey.
    public var formId: String
    /// When the newest partial merged was taken (RFC 3339), if the publisher said.
    public var asOf: String?
    /// Each tally partition's snapshot sequence number in the merge.
    public var sequences: [Int: UInt64]
    /// Each `survey.tallies` partition's next offset after the record that made the change.
    public var offsets: [Int: Int64]
    /// The tally document (`tally tallies --format json`).
    public var document: String

    /// A change with its values.
    ///
    /// - Parameters:
    ///   - change: The change's number: 1 for the first, counting up by one.
    ///   - formId: The survey.
    ///   - asOf: When the newest partial merged was taken (RFC 3339); `nil` when the publisher did not say.
    ///   - sequences: Each tally partition's snapshot sequence number in the merge, by partition.
    ///   - offsets: Each `survey.tallies` partition's next offset after the record that made the change.
    ///   - document: The tally document as JSON (`tally tallies --format json`).
    public init(change: Int64, formId: String, asOf: String?, sequences: [Int: UInt64], offsets: [Int: Int64], document: String) {
        self.change = change
        self.formId = formId
        self.asOf = asOf
        self.sequences = sequences
        self.offsets = offsets
        self.document = document
    }

    /// `sequences` as stored: `partition:sequence` pairs by partition, comma-separated.
    public var sequencesText: String {
        sequences.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }

    /// `offsets` as stored: a JSON object from partition (as text) to next offset.
    public var offsetsJSON: String {
        "{" + offsets.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    /// Reads `sequencesText` back.
    static func sequences(from text: String) -> [Int: UInt64]? {
        var result: [Int: UInt64] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let partition = Int(parts[0]), let sequence = UInt64(parts[1]) else { return nil }
            result[partition] = sequence
        }
        return result
    }

    /// Reads `offsetsJSON` back.
    static func offsets(from json: String) -> [Int: Int64]? {
        var result: [Int: Int64] = [:]
        let body = json.trimmingCharacters(in: ["{", "}"])
        for pair in body.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let partition = Int(parts[0].trimmingCharacters(in: ["\""])), let offset = Int64(parts[1]) else {
                return nil
            }
            result[partition] = offset
        }
        return result
    }
}
