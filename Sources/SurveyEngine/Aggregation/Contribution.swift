/// What one counted version adds to a partition's tally: everything the tally plan reads from
/// it, reduced to codes, flags and numbers. The aggregator keeps the head version's
/// contribution per respondent so an edit can retract exactly what was counted, and so a
/// restart can rebuild the partial tally from the changelog without the submission.
public struct Contribution: Sendable, Hashable, Codable {
    /// One tallied field: whether it was answered (the answered base) and its codes, in plan
    /// order without repeats.
    public struct FieldValue: Sendable, Hashable, Codable {
        /// Whether the respondent answered the field's source(s).
        public var answered: Bool
        /// The plan codes assigned, in plan order.
        public var codes: [String]

        /// Creates a field value.
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

    /// Creates a contribution from its parts (tests and tools; the aggregator uses
    /// `init(of:plan:region:)`).
    public init(region: String, formVersion: String, codebookVersion: String, day: String,
                fields: [String: FieldValue], numbers: [String: Double], freeTextAnswered: [String]) {
        self.region = region
        self.formVersion = formVersion
        self.codebookVersion = codebookVersion
        self.day = day
        self.fields = fields
        self.numbers = numbers
        self.freeTextAnswered = freeTextAnswered
    }

    /// Reads what `plan` tallies from one coded submission.
    ///
    /// Option fields count the plan's codes found at their path (answered = a non-empty array
    /// or string); coded fields take the `CodingResult`'s codes that the plan lists (answered =
    /// the coder's flag, or any code); band fields always have a code (answered = true).
    public init(of coded: CodedSubmission, plan: TallyPlan, region: String) {
        let submission = coded.submission
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(plan.fields.count)
        for field in plan.fields {
            var found: [String] = []
            var answered: Bool
            switch field.origin {
            case .options(let path, let multi):
                path.forEachValue(in: submission) { value in
                    if multi {
                        guard case .array(let elements) = value else { return }
                        for case .string(let option) in elements { found.append(option) }
                    } else if case .string(let option) = value, !option.isEmpty {
                        found.append(option)
                    }
                }
                answered = !found.isEmpty
            case .coded:
                let codedField = coded.coding.fields[field.name]
                found = codedField?.codes ?? []
                answered = codedField?.answered ?? false
            case .band(let rule):
                found = [rule.code(for: submission, referenceYear: plan.referenceYear)]
                answered = true
            }
            let codes = field.codes.filter(found.contains)
            answered = answered || !codes.isEmpty
            fields[field.name] = FieldValue(answered: answered, codes: codes)
        }
        var numbers: [String: Double] = [:]
        for summary in plan.numeric {
            switch summary.origin {
            case .codedNumber(let name):
                if let value = coded.coding.numbers[name]?.value, value.isFinite { numbers[summary.name] = value }
            case .answer(let path):
                if let value = path.values(in: submission).lazy.compactMap(\.numberValue).first(where: \.isFinite) {
                    numbers[summary.name] = value
                }
            }
        }
        self.init(region: region, formVersion: submission.formVersion, codebookVersion: coded.coding.codebookVersion,
                  day: submission.submittedDay, fields: fields, numbers: numbers,
                  freeTextAnswered: plan.freeText.filter { $0.path.hasText(in: submission) }.map(\.name))
    }

    enum CodingKeys: String, CodingKey {
        case region, day, fields, numbers
        case formVersion = "form_version"
        case codebookVersion = "codebook_version"
        case freeTextAnswered = "free_text_answered"
    }
}
