/// The merged tally of a survey as readers see it (ARCHITECTURE.md, "Tallies"): response rate,
/// per-field code counts with both bases, percentages and Wilson intervals, numeric summaries,
/// cross-tabs, paradata and metadata. Built from partial tallies with
/// `init(partials:plan:frame:options:)`; rendered with `json(pretty:)` or `textReport()`.
///
/// Percentages are 100 × count / base from unrounded counts; a base of 0 gives `nil` (JSON
/// `null`), never 0, so "no one was asked" is not mistaken for "no one said yes". A count that
/// small-cell suppression hides is `nil` too, with its percentages and intervals.
public struct TallyDocument: Sendable, Hashable {
    /// Options a reader chooses when rendering.
    public struct Options: Sendable, Hashable {
        /// Hide counts in `1..<threshold` (and their percentages and intervals; numeric
        /// summaries with fewer values show only `n`). Default: `nil`, off (the LAs of the
        /// first survey are public bodies). Primary suppression only: a hidden cell can still be
        /// worked out from the base and the other cells.
        public var suppressBelow: Int? = nil
        /// Whether the survey is still in the field. Default: `true`.
        public var provisional: Bool = true
        /// The time to show; default `nil`: the latest `asOf` of the partials.
        public var asOf: String? = nil

        /// Default options: no suppression, provisional.
        ///
        /// - Parameters:
        ///   - suppressBelow: Hide counts from 1 up to one below this; nil or 1 or less hides nothing. Default: nil.
        ///   - provisional: Mark the document as provisional (the survey is still in the field). Default: true.
        ///   - asOf: The time to show, RFC 3339; nil shows the latest `asOf` of the partials. Default: nil.
        public init(suppressBelow: Int? = nil, provisional: Bool = true, asOf: String? = nil) {
            self.suppressBelow = suppressBelow
            self.provisional = provisional
            self.asOf = asOf
        }
    }

    /// A response rate against the frame.
    public struct Rate: Sendable, Hashable {
        /// Counted respondents.
        public var responded: Int
        /// Units in the frame.
        public var frame: Int
        /// 100 × responded / frame; `nil` for an empty frame.
        public var percent: Double?
        /// Wilson 95% interval in percent (overall rate only).
        public var wilson95: WilsonInterval?
    }

    /// Response rate overall and per frame region.
    public struct ResponseRate: Sendable, Hashable {
        /// The whole frame.
        public var overall: Rate
        /// Per region, in the plan's region order (default: the frame's first-seen order).
        public var byRegion: [(region: String, rate: Rate)]

        /// Equal overall rates and equal regions in the same order.
        ///
        /// - Parameters:
        ///   - a: A response rate.
        ///   - b: Another.
        /// - Returns: True when the overall rates are equal and the regions match name for name, rate for rate, in order.
        public static func == (a: ResponseRate, b: ResponseRate) -> Bool {
            a.overall == b.overall && a.byRegion.map(\.region) == b.byRegion.map(\.region) && a.byRegion.map(\.rate) == b.byRegion.map(\.rate)
        }

        /// Hashes the overall rate and every region in order.
        ///
        /// - Parameter hasher: The hasher to feed; equal values (``==(_:_:)``) hash equal.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(overall)
            for (region, rate) in byRegion {
                hasher.combine(region)
                hasher.combine(rate)
            }
        }
    }

    /// One code of a field.
    public struct CodeSummary: Sendable, Hashable {
        /// The code.
        public var code: String
        /// Respondents with the code; `nil` when suppressed.
        public var count: Int?
        /// 100 × count / all counted respondents.
        public var percentOfAll: Double?
        /// 100 × count / respondents who answered the field.
        public var percentOfAnswered: Double?
        /// Wilson 95% interval of `percentOfAll`.
        public var wilson95All: WilsonInterval?
        /// Wilson 95% interval of `percentOfAnswered`.
        public var wilson95Answered: WilsonInterval?
    }

    /// One tallied field.
    public struct FieldSummary: Sendable, Hashable {
        /// The field name.
        public var name: String
        /// The answers it is read from, as the plan names them.
        public var source: [String]
        /// All counted respondents.
        public var baseAll: Int
        /// Counted respondents who answered the field.
        public var baseAnswered: Int
        /// Codes in plan order.
        public var codes: [CodeSummary]
    }

    /// A numeric summary.
    public struct NumericSummary: Sendable, Hashable {
        /// The summary name.
        public var name: String
        /// Counted respondents with a value.
        public var n: Int
        /// Smallest value (`nil` when none, or suppressed).
        public var min: Double?
        /// Exact median (`nil` when none, or suppressed).
        public var median: Double?
        /// Largest value (`nil` when none, or suppressed).
        public var max: Double?
    }

    /// An uncoded free text: how many counted respondents answered it.
    public struct FreeTextSummary: Sendable, Hashable {
        /// The text's name.
        public var name: String
        /// Counted respondents who answered it.
        public var answered: Int
    }

    /// A cross-tab of two fields.
    public struct CrossTab: Sendable, Hashable {
        /// The name, e.g. `established_band x care_trend`.
        public var name: String
        /// Row codes in plan order.
        public var rows: [String]
        /// Column codes in plan order.
        public var columns: [String]
        /// `cells[r][c]`: respondents with row code `rows[r]` and column code `columns[c]`;
        /// `nil` when suppressed.
        public var cells: [[Int?]]
    }

    /// The instrument id.
    public var formId: String
    /// The one `form_version` of all counted heads, or `nil` when none or several.
    public var formVersion: String?
    /// Every `form_version` among counted heads, sorted.
    public var formVersions: [String]
    /// The plan's reference date.
    public var referenceDate: String
    /// Units in the frame.
    public var frameSize: Int
    /// Respondents with a head version.
    public var countedRespondents: Int
    /// Response rate.
    public var responseRate: ResponseRate
    /// Tallied fields in plan order.
    public var fields: [FieldSummary]
    /// Uncoded free texts in plan order.
    public var freeText: [FreeTextSummary]
    /// Numeric summaries in plan order.
    public var numeric: [NumericSummary]
    /// Cross-tabs in plan order.
    public var crosstabs: [CrossTab]
    /// What happened to every message.
    public var paradata: ParadataCounts
    /// When the newest partial was taken.
    public var asOf: String?
    /// Whether the survey is still in the field.
    public var provisional: Bool
    /// The one codebook version of all counted heads, or `nil` when none or several.
    public var codebookVersion: String?
    /// Every codebook version among counted heads, sorted.
    public var codebookVersions: [String]
    /// The partitions merged, with their snapshot sequence numbers.
    public var partitions: [Int: UInt64]
    /// The suppression threshold applied, if any.
    public var suppressBelow: Int?
    /// Review items waiting per coded field (`paradata.coding_review`): the items of the counted
    /// head versions, as the partials count them; `nil` leaves the member out.
    public var codingReview: [String: Int]? = nil
}
