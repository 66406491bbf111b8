import Foundation

/// The additive tally of one or more partitions: counts, bases, numeric multisets, cross-tab
/// cells, respondents by region and paradata. The value of `survey.tallies` (key
/// `<form_id>/<partition>`); a reader keeps the newest partial per partition and merges them.
///
/// Exact: every member is a sum over respondents (or messages), so `merging` partials of
/// disjoint partitions in any order gives the tally of their union. Nothing is rounded or
/// suppressed here; that happens only when a `TallyDocument` is rendered.
public struct PartialTally: Sendable, Hashable, Codable {
    /// Counts for one tallied field.
    public struct FieldCounts: Sendable, Hashable, Codable {
        /// Counted respondents who answered the field (the answered base).
        public var answered: Int = 0
        /// Respondents per code; only non-zero counts are kept.
        public var codes: [String: Int] = [:]

        /// No counts.
        public init() {}
    }

    /// The wire format version this engine writes (`format`).
    public static let currentFormat = 1

    /// Wire format version; readers refuse versions they do not know.
    public var format: Int = PartialTally.currentFormat
    /// The instrument id, e.g. `wwc-csc-2018`.
    public var formId: String
    /// The partitions covered, each with the sequence number of its snapshot (monotonic per
    /// partition: the number of messages the partition has counted).
    public var partitions: [Int: UInt64]
    /// When the snapshot was taken (RFC 3339, UTC), set by the publishing worker; for a merge,
    /// the latest.
    public var asOf: String?
    /// Counted respondents (those with a head version).
    public var counted: Int = 0
    /// Keyed by plan field name.
    public var fields: [String: FieldCounts] = [:]
    /// Keyed by numeric summary name.
    public var numeric: [String: NumericMultiset] = [:]
    /// Counted respondents who answered each free text.
    public var freeTextAnswered: [String: Int] = [:]
    /// Cross-tab name → row code → column code → respondents; non-zero cells only.
    public var crosstabs: [String: [String: [String: Int]]] = [:]
    /// Counted respondents per frame region.
    public var respondedByRegion: [String: Int] = [:]
    /// What happened to the partition's messages.
    public var paradata = ParadataCounts()
    /// Counted head versions per `form_version`.
    public var formVersions: [String: Int] = [:]
    /// Counted head versions per codebook version.
    public var codebookVersions: [String: Int] = [:]
    /// Coding review items of the counted head versions per coded field (`paradata.coding_review`);
    /// `nil` when there are none (and in partials written before the member existed).
    public var codingReview: [String: Int]?

    /// An empty tally of `partitions` (partition → sequence number).
    ///
    /// - Parameters:
    ///   - formId: The instrument id; only partials of the same form merge.
    ///   - partitions: The partitions covered, each with its snapshot's sequence number. Default: none, as for the
    ///     start of a merge.
    public init(formId: String, partitions: [Int: UInt64] = [:]) {
        self.formId = formId
        self.partitions = partitions
    }

    /// Adds (`sign` = 1) or retracts (`sign` = -1) one head version's contribution.
    ///
    /// Counts that reach zero are removed, so retracting everything that was added gives back an empty tally
    /// equal to a fresh one.
    ///
    /// - Parameters:
    ///   - contribution: What the head version counts.
    ///   - sign: 1 to count it, -1 to retract it (on an edit); other values scale every count. Default: 1.
    ///   - plans: The plan's cross-tabs; a cell is counted when the contribution has codes for both its fields.
    public mutating func add(_ contribution: Contribution, sign: Int = 1, crosstabs plans: [CrossTabPlan]) {
        // Every member is changed in place (`[key, default:]` / `modify`): copying a nested
        // dictionary out and back would copy its storage on every message.
        counted += sign
        for (name, value) in contribution.fields where value.answered || !value.codes.isEmpty {
            // (An unanswered field without codes changes nothing: not even looked up.)
            let emptied = Self.adding(value, sign: sign, to: &fields[name, default: FieldCounts()])
            if emptied { fields.removeValue(forKey: name) }
        }
        for (name, value) in contribution.numbers {
            let emptied = Self.adding(value, sign: sign, to: &numeric[name, default: NumericMultiset()])
            if emptied { numeric.removeValue(forKey: name) }
        }
        freeTextAnswered.addCounts(of: contribution.freeTextAnswered, sign: sign)
        for plan in plans {
            guard let rows = contribution.fields[plan.rows]?.codes, !rows.isEmpty,
                let columns = contribution.fields[plan.columns]?.codes, !columns.isEmpty
            else { continue }
            let emptied = Self.adding(rows: rows, columns: columns, sign: sign, to: &crosstabs[plan.name, default: [:]])
            if emptied { crosstabs.removeValue(forKey: plan.name) }
        }
        respondedByRegion.add(sign, to: contribution.region)
        formVersions.add(sign, to: contribution.formVersion)
        codebookVersions.add(sign, to: contribution.codebookVersion)
        if let review = contribution.codingReview { addCodingReview(review, sign: sign) }
    }

    /// Adds (`sign` = 1) or retracts (`sign` = -1) review items per field, leaving `codingReview`
    /// `nil` when no count is left.
    mutating func addCodingReview(_ counts: [String: Int], sign: Int = 1) {
        guard !counts.isEmpty else { return }
        var review = codingReview ?? [:]
        review.addCounts(counts, sign: sign)
        codingReview = review.isEmpty ? nil : review
    }

    /// Adds one field value to `counts`; true when they are left empty.
    @inline(__always)
    private static func adding(_ value: Contribution.FieldValue, sign: Int, to counts: inout FieldCounts) -> Bool {
        if value.answered { counts.answered += sign }
        counts.codes.addCounts(of: value.codes, sign: sign)
        return counts.answered == 0 && counts.codes.isEmpty
    }

    /// Adds or removes one value; true when the multiset is left empty.
    @inline(__always)
    private static func adding(_ value: Double, sign: Int, to values: inout NumericMultiset) -> Bool {
        if sign > 0 { values.insert(value) } else { values.remove(value) }
        return values.isEmpty
    }

    /// Adds one respondent's row × column cells; true when the table is left empty.
    @inline(__always)
    private static func adding(rows: [String], columns: [String], sign: Int, to table: inout [String: [String: Int]]) -> Bool {
        for row in rows {
            let emptied = { (cells: inout [String: Int]) -> Bool in
                cells.addCounts(of: columns, sign: sign)
                return cells.isEmpty
            }(&table[row, default: [:]])
            if emptied { table.removeValue(forKey: row) }
        }
        return table.isEmpty
    }

    /// The tally of both partials' partitions.
    ///
    /// Counts, multisets and paradata are summed; `asOf` is the later of the two (as strings, which orders
    /// RFC 3339 UTC times); `format` the higher.
    ///
    /// - Parameter other: A partial of the same form covering other partitions.
    /// - Returns: The tally of the union of both partitions.
    /// - Throws: `TallyError` `.formMismatch` when the forms differ, `.overlappingPartitions`
    ///   when both cover a partition (take the newest partial per partition first:
    ///   `PartialTallySet`).
    public func merging(_ other: PartialTally) throws(TallyError) -> PartialTally {
        guard formId == other.formId else {
            throw TallyError(.formMismatch, "cannot merge tallies of form '\(formId)' and form '\(other.formId)'")
        }
        let shared = Set(partitions.keys).intersection(other.partitions.keys)
        guard shared.isEmpty else {
            throw TallyError(
                .overlappingPartitions,
                "both tallies cover partition(s) \(shared.sorted()); keep only the newest partial per partition before merging"
            )
        }
        var merged = self
        merged.format = Swift.max(format, other.format)
        merged.partitions.merge(other.partitions) { a, _ in a }
        merged.asOf = [asOf, other.asOf].compactMap { $0 }.max()
        merged.counted += other.counted
        for (name, counts) in other.fields {
            var mine = merged.fields[name] ?? FieldCounts()
            mine.answered += counts.answered
            mine.codes.addCounts(counts.codes)
            merged.fields[name] = mine
        }
        for (name, values) in other.numeric { merged.numeric[name, default: NumericMultiset()].formUnion(values) }
        merged.freeTextAnswered.addCounts(other.freeTextAnswered)
        for (name, table) in other.crosstabs {
            for (row, cells) in table { merged.crosstabs[name, default: [:]][row, default: [:]].addCounts(cells) }
        }
        merged.respondedByRegion.addCounts(other.respondedByRegion)
        merged.paradata.add(other.paradata)
        merged.formVersions.addCounts(other.formVersions)
        merged.codebookVersions.addCounts(other.codebookVersions)
        merged.addCodingReview(other.codingReview ?? [:])
        return merged
    }

    /// The tally of every partial's partitions (an empty tally of `formId` for none).
    ///
    /// - Parameters:
    ///   - partials: Partials of one form with disjoint partitions, in any order.
    ///   - formId: The form they belong to.
    /// - Returns: Their merge; it does not depend on the order of `partials`.
    /// - Throws: `TallyError` as `merging(_:)` does.
    public static func merge(_ partials: some Sequence<PartialTally>, formId: String) throws(TallyError) -> PartialTally {
        var total = PartialTally(formId: formId)
        for partial in partials { total = try total.merging(partial) }
        return total
    }

    /// The wire bytes (JSON, keys sorted so equal tallies give equal bytes): ``writeJSON(into:)``.
    public func encoded() -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4_096)
        writeJSON(into: &bytes)
        return Data(bytes)
    }

    /// Reads wire bytes.
    ///
    /// - Parameter data: The JSON value of a `survey.tallies` record; members this format lacks are ignored.
    /// - Throws: `TallyError.undecodable` for bytes that are not a partial tally of a known format.
    public init(decoding data: Data) throws(TallyError) {
        do {
            self = try JSONDecoder().decode(PartialTally.self, from: data)
        } catch {
            throw TallyError(.undecodable, "not a partial tally: \(error)")
        }
        guard format <= Self.currentFormat else {
            throw TallyError(.undecodable, "partial tally format \(format) is newer than this reader (\(Self.currentFormat)); upgrade the reader")
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, partitions, counted, fields, numeric, crosstabs, paradata
        case formId = "form_id"
        case asOf = "as_of"
        case freeTextAnswered = "free_text_answered"
        case respondedByRegion = "responded_by_region"
        case formVersions = "form_versions"
        case codebookVersions = "codebook_versions"
        case codingReview = "coding_review"
    }
}
