import Foundation
import SurveyEngine
import TallyWorker

/// What the dashboard knows: the newest partial tally per partition, the response count over
/// time, the latest dead letters, the coding review queue and how far the topics have been read. Rendered once per
/// change into the state event every page receives (``stateJSON(now:)``) and into the
/// `/api/tallies` document.
public struct DashboardState: Sendable {
    /// One dead letter as the page lists it. Texts are shown as text, never as markup.
    public struct DeadLetterLine: Codable, Sendable, Hashable {
        /// The reason code.
        public var reason: String
        /// The JSON pointer of the first problem (empty for the whole message).
        public var pointer: String
        /// The first problem's message, or the letter's detail.
        public var message: String
        /// Who sent it: the respondent id, else the key.
        public var respondent: String
        /// When it was rejected (RFC 3339).
        public var rejectedAt: String

        enum CodingKeys: String, CodingKey {
            case reason, pointer, message, respondent
            case rejectedAt = "rejected_at"
        }
    }

    /// One text awaiting coding review, as the page lists it. Texts are shown as text, never as markup.
    public struct ReviewLine: Codable, Sendable, Hashable {
        /// The coded field.
        public var field: String
        /// The respondent.
        public var respondent: String
        /// Why the text is in review (`no_code`, `uncoded_text`, `low_confidence`, `cancelled`, `uncoded_clause`, `second_opinion`).
        public var reason: String
        /// The text, as the respondent wrote it.
        public var text: String
    }

    /// One point of the response count over time.
    public struct TimelinePoint: Codable, Sendable, Hashable {
        /// When the partial that brought the count was taken.
        public var asOf: String
        /// Counted respondents across partitions at that point.
        public var counted: Int

        enum CodingKeys: String, CodingKey {
            case asOf = "as_of"
            case counted
        }
    }

    /// The survey shown.
    public let survey: SurveyDefinition
    /// The newest partial per partition.
    public private(set) var partials: PartialTallySet
    /// Partitions of the tallies topic, once known.
    public var partitionCount: Int?
    /// Whether the tallies topic has been read to its end once.
    public var caughtUp = false
    /// The latest dead letters, newest last (at most ``deadLetterLimit``).
    public private(set) var deadLetters: [DeadLetterLine] = []
    /// Counted respondents over time, in the order partials arrived (at most ``timelineLimit``).
    public private(set) var timeline: [TimelinePoint] = []
    /// Bumped by every change: a state with the same version renders the same.
    public private(set) var version = 0

    /// Dead letters kept for the page.
    public static let deadLetterLimit = 8
    /// Review texts shown on the page (``latestReview``).
    public static let reviewLimit = 5
    /// Timeline points kept; past it, every other older point is dropped.
    public static let timelineLimit = 1_000

    private var seenLetters: Set<String> = []
    /// The review queue as compaction would leave it: the latest record per key, with the order it arrived in.
    private var reviewQueue: [String: (arrival: Int, record: CodingReviewRecord)] = [:]
    private var reviewArrivals = 0
    private var countedByPartition: [Int: Int] = [:]

    /// An empty state for `survey`: no partials, dead letters or timeline, not caught up, version 0.
    /// - Parameter survey: the survey shown; its plan's form id is the only form whose partials are accepted.
    public init(survey: SurveyDefinition) {
        self.survey = survey
        self.partials = PartialTallySet(formId: survey.plan.formId)
    }

    /// Takes the newest partial of a partition (older or equal ones are ignored).
    ///
    /// A new partial also adds a timeline point: the sum over partitions of each one's latest `counted`,
    /// at the partial's `asOf`. Past ``timelineLimit`` points, every other point of the older half is
    /// dropped, so the timeline keeps its whole span at a coarser grain.
    /// - Parameter partial: a partial tally of one partition, as the aggregator publishes it.
    /// - Returns: whether anything changed (and ``version`` was bumped).
    /// - Throws: `TallyError` for a partial of another form or covering several partitions.
    @discardableResult
    public mutating func offer(_ partial: PartialTally) throws -> Bool {
        guard try partials.offer(partial), let partition = partial.partitions.keys.first else { return false }
        countedByPartition[partition] = partial.counted
        timeline.append(TimelinePoint(asOf: partial.asOf ?? "", counted: countedByPartition.values.reduce(0, +)))
        if timeline.count > Self.timelineLimit {
            let keep = timeline.count / 2
            timeline = timeline.prefix(keep).enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + timeline.suffix(timeline.count - keep)
        }
        version += 1
        return true
    }

    /// Takes a dead letter (re-sends of one rejection, same worker and source, count once).
    ///
    /// The page line shows the letter's first problem (or its detail when it has none) and its respondent
    /// (or its key). Only the newest ``deadLetterLimit`` lines are kept, but every identity is remembered.
    /// - Parameter letter: a letter read from the dead-letter topic.
    /// - Returns: whether it was new.
    @discardableResult
    public mutating func offer(_ letter: DeadLetter) -> Bool {
        guard seenLetters.insert(letter.identity).inserted else { return false }
        let problem = letter.problems.first
        deadLetters.append(
            DeadLetterLine(
                reason: letter.reason,
                pointer: problem?.pointer ?? "",
                message: problem?.message ?? letter.detail ?? "",
                respondent: letter.respondentID ?? letter.key ?? "",
                rejectedAt: letter.rejectedAt
            )
        )
        if deadLetters.count > Self.deadLetterLimit { deadLetters.removeFirst(deadLetters.count - Self.deadLetterLimit) }
        version += 1
        return true
    }

    /// Takes a record of the coding review topic: the latest record of its key replaces the earlier
    /// one, and a tombstone (the field was settled) removes the key.
    /// - Parameters:
    ///   - review: the record's value; `nil` for a tombstone.
    ///   - key: the record's key, `respondent_id|field`.
    /// - Returns: whether the queue changed (a record equal to the key's current one, or a tombstone
    ///   of an absent key, changes nothing).
    @discardableResult
    public mutating func offer(review: CodingReviewRecord?, key: String) -> Bool {
        if let review {
            guard reviewQueue[key]?.record != review else { return false }
            reviewArrivals += 1
            reviewQueue[key] = (reviewArrivals, review)
        } else {
            guard reviewQueue.removeValue(forKey: key) != nil else { return false }
        }
        version += 1
        return true
    }

    /// Records in the coding review queue (one per respondent and field).
    public var reviewCount: Int { reviewQueue.count }

    /// The newest texts awaiting review, newest record first (its texts in source order), at most ``reviewLimit``.
    public var latestReview: [ReviewLine] {
        // At most `reviewLimit` records are needed (each has at least one text): keep the newest few, not a full sort.
        var newest: [(arrival: Int, record: CodingReviewRecord)] = []
        for entry in reviewQueue.values where newest.count < Self.reviewLimit || entry.arrival > newest[newest.count - 1].arrival {
            newest.insert(entry, at: newest.firstIndex { $0.arrival < entry.arrival } ?? newest.count)
            if newest.count > Self.reviewLimit { newest.removeLast() }
        }
        let lines = newest.flatMap { entry in
            entry.record.items.map {
                ReviewLine(field: entry.record.field, respondent: entry.record.respondentID, reason: $0.reason.rawValue, text: $0.text)
            }
        }
        return Array(lines.prefix(Self.reviewLimit))
    }

    /// Forgets the coding review queue (its topic is about to be read again from its beginning).
    public mutating func restartReview() {
        guard !reviewQueue.isEmpty else { return }
        reviewQueue = [:]
        version += 1
    }

    /// Forgets the partials and the timeline (the tallies topic is about to be read again from
    /// its beginning); dead letters stay.
    public mutating func restartTallies() {
        partials = PartialTallySet(formId: survey.plan.formId)
        countedByPartition = [:]
        timeline = []
        caughtUp = false
        version += 1
    }

    /// Marks a change that is not a partial or a letter (caught up, partitions known).
    public mutating func touch() { version += 1 }

    /// The merged tally document, as `tally tallies` prints it, marked provisional and stamped with the
    /// newest partial's `asOf`.
    /// - Parameter suppressBelow: hide counts from 1 to N-1 and their revealing complements (see
    ///   `SmallCellSuppression`); `nil` shows every count. Default: `nil`.
    /// - Returns: the document over the partials received so far, which may not yet cover every partition.
    public func document(suppressBelow: Int? = nil) -> TallyDocument {
        let merged = partials.merged()
        let document = TallyDocument(
            merged: merged,
            plan: survey.plan,
            frame: survey.frame,
            options: .init(provisional: true, asOf: merged.asOf)
        )
        guard let suppressBelow else { return document }
        return SmallCellSuppression.apply(to: document, below: suppressBelow, plan: survey.plan)
    }

    /// The state event's data: `{"document": <tally document>, "live": {...}}` on one line.
    /// `live` has `partitions_total`, `partitions_reported`, `complete` (every partition's
    /// partial present), `caught_up`, `rendered_at`, `timeline`, `dead_letters` and `coding_review`
    /// (``latestReview``).
    /// - Parameters:
    ///   - now: the render time, shown as `rendered_at`.
    ///   - suppressBelow: small-cell suppression for the page, if configured.
    public func stateJSON(now: Date = Date(), suppressBelow: Int? = nil) -> String {
        struct Live: Encodable {
            var partitionsTotal: Int?
            var partitionsReported: Int
            var complete: Bool
            var caughtUp: Bool
            var renderedAt: String
            var timeline: [TimelinePoint]
            var deadLetters: [DeadLetterLine]
            var codingReview: [ReviewLine]

            enum CodingKeys: String, CodingKey {
                case partitionsTotal = "partitions_total"
                case partitionsReported = "partitions_reported"
                case complete
                case caughtUp = "caught_up"
                case renderedAt = "rendered_at"
                case timeline
                case deadLetters = "dead_letters"
                case codingReview = "coding_review"
            }
        }
        let reported = partials.latest.count
        let live = Live(
            partitionsTotal: partitionCount,
            partitionsReported: reported,
            complete: partitionCount.map { reported >= $0 } ?? false,
            caughtUp: caughtUp,
            renderedAt: ISO8601DateFormatter().string(from: now),
            timeline: timeline.sorted { $0.asOf < $1.asOf },
            deadLetters: deadLetters,
            codingReview: latestReview
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let liveJSON = (try? encoder.encode(live)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return #"{"document":"# + document(suppressBelow: suppressBelow).json(pretty: false) + #","live":"# + liveJSON + "}"
    }
}
