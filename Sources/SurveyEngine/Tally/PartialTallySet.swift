/// What a reader (dashboard, store, CLI) holds: the newest partial per partition of one form,
/// merged on demand. Older or equal sequence numbers are ignored, so replays and re-published
/// snapshots are harmless.
public struct PartialTallySet: Sendable, Hashable {
    /// The form these partials belong to.
    public let formId: String
    /// The newest single-partition partial per partition.
    public private(set) var latest: [Int: PartialTally] = [:]

    /// An empty set for `formId`.
    ///
    /// - Parameter formId: The form whose partials it accepts.
    public init(formId: String) {
        self.formId = formId
    }

    /// Keeps `partial` for its partition when its sequence number is newer than the one held;
    /// returns whether anything changed.
    ///
    /// - Parameter partial: A published partial: one form, exactly one partition.
    /// - Returns: True when it replaced an older partial or was the first for its partition; false for an
    ///   equal or older sequence number (a replay or re-publication), which is ignored.
    /// - Throws: `TallyError.formMismatch` for another form's partial, `.overlappingPartitions`
    ///   for a partial covering no or several partitions (publish one partial per partition).
    @discardableResult
    public mutating func offer(_ partial: PartialTally) throws(TallyError) -> Bool {
        guard partial.formId == formId else {
            throw TallyError(.formMismatch, "a partial of form '\(partial.formId)' was offered to the reader of form '\(formId)'")
        }
        guard partial.partitions.count == 1, let (partition, sequence) = partial.partitions.first else {
            throw TallyError(
                .overlappingPartitions,
                "a published partial must cover exactly one partition; this one covers \(partial.partitions.keys.sorted())"
            )
        }
        if let held = latest[partition]?.partitions[partition], held >= sequence { return false }
        latest[partition] = partial
        return true
    }

    /// The merge of the newest partial of every partition.
    public func merged() -> PartialTally {
        var total = PartialTally(formId: formId)
        for (_, partial) in latest.sorted(by: { $0.key < $1.key }) {
            // Partitions are distinct keys and forms were checked on `offer`, so this cannot throw.
            if let next = try? total.merging(partial) { total = next }
        }
        return total
    }
}
