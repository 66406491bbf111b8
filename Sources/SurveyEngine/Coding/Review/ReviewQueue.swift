/// The review queue's current state: the latest review items of every respondent's head version,
/// one per text (`respondent_id|field|source`), so a newer version (or a newer codebook) replaces
/// what an older one raised and settled texts leave the queue: what `tally offline --review`
/// lists, and the items the compacted `survey.coding-review` topic holds (there grouped by
/// respondent and field, one record per `respondent_id|field`).
public struct ReviewQueue: Sendable {
    /// One change to the queue: a key and its new item, or `nil` when the key leaves the queue
    /// (a settled text).
    public struct Change: Sendable, Hashable {
        /// `respondent_id|field|source`.
        public var key: String
        /// The item now under the key, or `nil` when it was settled.
        public var item: ReviewItem?
    }

    /// Items by key.
    public private(set) var items: [String: ReviewItem] = [:]
    /// Which keys each respondent has in the queue.
    private var keysByRespondent: [String: Set<String>] = [:]

    /// An empty queue.
    public init() {}

    /// The topic key of a respondent's item: `respondent_id|field|source`.
    ///
    /// - Parameters:
    ///   - respondentID: the respondent.
    ///   - item: the item (its field and source path).
    public static func key(respondentID: String, item: ReviewItem) -> String {
        "\(respondentID)|\(item.field)|\(item.source)"
    }

    /// Replaces a respondent's items with those of its newly counted version.
    ///
    /// - Parameters:
    ///   - respondentID: the respondent.
    ///   - review: the review items of the version now counted.
    /// - Returns: the changes to publish: every new or changed item, and a tombstone for every
    ///   key the respondent had that the new version no longer raises.
    @discardableResult
    public mutating func replace(respondentID: String, with review: [ReviewItem]) -> [Change] {
        var changes: [Change] = []
        var now = Set<String>()
        for item in review {
            let key = Self.key(respondentID: respondentID, item: item)
            now.insert(key)
            if items[key] != item {
                items[key] = item
                changes.append(Change(key: key, item: item))
            }
        }
        for key in (keysByRespondent[respondentID] ?? []).subtracting(now).sorted() {
            items[key] = nil
            changes.append(Change(key: key, item: nil))
        }
        keysByRespondent[respondentID] = now.isEmpty ? nil : now
        return changes
    }

    /// Items per field, for the tally document's `paradata.coding_review`.
    public var countsByField: [String: Int] {
        var counts: [String: Int] = [:]
        for item in items.values { counts[item.field, default: 0] += 1 }
        return counts
    }

    /// Every item with its respondent, sorted by key.
    public var sorted: [(respondentID: String, item: ReviewItem)] {
        items.keys.sorted().map { key in
            (String(key.prefix { $0 != "|" }), items[key]!)
        }
    }
}
