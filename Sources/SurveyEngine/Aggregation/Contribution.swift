/// What one counted version adds to a partition's tally: everything the tally plan reads from
/// it, reduced to codes, flags and numbers. The aggregator keeps the head version's
/// contribution per respondent so an edit can retract exactly what was counted, and so a
/// restart can rebuild the partial tally from the changelog without the submission (it holds
/// it as an `IndexedContribution` and makes the `Contribution` only when one is asked for).
public struct Contribution: Sendable, Hashable, Codable {
    /// One tallied field: whether it was answered (the answered base) and its codes, in plan
    /// order without repeats.
    public struct FieldValue: Sendable, Hashable, Codable {
        /// Whether the respondent answered the field's source(s).
        public var answered: Bool
        /// The plan codes assigned, in plan order.
        public var codes: [String]

        /// Creates a field value.
        ///
        /// - Parameters:
        ///   - answered: Whether the respondent answered the field's source(s): the field's answered base.
        ///   - codes: The plan codes assigned, in plan order without repeats (not checked).
        public init(answered: Bool, codes: [String]) {
            self.answered = answered
            self.codes = codes
        }
    }

    /// The respondent's region in the frame (for response rate by region).
    public var region: String
    /// The version's `form_version`.
    public var formVersion: String
    /// The codebook version that coded it.
    public var codebookVersion: String
    /// The version's day (`YYYY-MM-DD` of `submitted_at` as written). Informational: the
    /// paradata count every accepted version's day, superseded ones too.
    public var day: String
    /// Keyed by plan field name; every plan field is present.
    public var fields: [String: FieldValue]
    /// Keyed by numeric summary name; present only when the version has a value.
    public var numbers: [String: Double]
    /// Names of the plan's free texts that were answered, in plan order.
    public var freeTextAnswered: [String]
    /// The version's coding review items per coded field (`paradata.coding_review`); `nil` when
    /// the coder raised none.
    public var codingReview: [String: Int]?

    /// Creates a contribution from its parts (tests and tools; the aggregator uses
    /// `init(of:plan:region:)`).
    ///
    /// - Parameters:
    ///   - region: The respondent's region in the frame.
    ///   - formVersion: The version's `form_version`.
    ///   - codebookVersion: The codebook version that coded it.
    ///   - day: The `YYYY-MM-DD` of its `submitted_at` as written.
    ///   - fields: Per plan field name, its value; give every plan field, or the aggregator counts it unanswered.
    ///   - numbers: Per numeric summary name, the value; omit a name without a value.
    ///   - freeTextAnswered: Names of the plan's free texts that were answered, in plan order.
    ///   - codingReview: Review items per coded field; `nil` (or empty) for none. Default: `nil`.
    public init(
        region: String,
        formVersion: String,
        codebookVersion: String,
        day: String,
        fields: [String: FieldValue],
        numbers: [String: Double],
        freeTextAnswered: [String],
        codingReview: [String: Int]? = nil
    ) {
        self.region = region
        self.formVersion = formVersion
        self.codebookVersion = codebookVersion
        self.day = day
        self.fields = fields
        self.numbers = numbers
        self.freeTextAnswered = freeTextAnswered
        self.codingReview = codingReview?.isEmpty == true ? nil : codingReview
    }

    /// Reads what `plan` tallies from one coded submission.
    ///
    /// Option fields count the plan's codes found at their path (answered = a non-empty array
    /// or string); coded fields take the `CodingResult`'s codes that the plan lists (answered =
    /// the coder's flag, or any code); band fields always have a code (answered = true). The
    /// aggregator reads the same into an `IndexedContribution` with a layout made once.
    ///
    /// - Parameters:
    ///   - coded: The submission with its coding.
    ///   - plan: What is tallied; codes the plan does not list are not counted.
    ///   - region: The respondent's region, looked up in the frame by the caller.
    public init(of coded: CodedSubmission, plan: TallyPlan, region: String) {
        let layout = PlanLayout(plan: plan, regions: [region])
        self = IndexedContribution(of: coded, plan: plan, layout: layout, region: region, regionNumber: 0).contribution
    }

    enum CodingKeys: String, CodingKey {
        case region, day, fields, numbers
        case formVersion = "form_version"
        case codebookVersion = "codebook_version"
        case freeTextAnswered = "free_text_answered"
        case codingReview = "coding_review"
    }
}
