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
        for index in plan.fields.indices {
            let value: FieldValue
            switch plan.fields[index].origin {
            case .options(let path, let multi):
                value = Self.options(at: path, multi: multi, in: submission, among: plan.fields[index].codes)
            case .coded:
                value = Self.coded(plan.fields[index].name, in: coded.coding.fields, among: plan.fields[index].codes)
            case .band(let rule):
                let code = rule.code(for: submission, referenceYear: plan.referenceYear)
                value = FieldValue(answered: true, codes: plan.fields[index].codes.contains(code) ? [code] : [])
            }
            fields[plan.fields[index].name] = value
        }
        var numbers: [String: Double] = [:]
        for summary in plan.numeric {
            switch summary.origin {
            case .codedNumber(let name):
                if let value = coded.coding.numbers[name]?.value, value.isFinite { numbers[summary.name] = value }
            case .answer(let path):
                if let value = Self.firstFiniteNumber(at: path, in: submission) { numbers[summary.name] = value }
            }
        }
        var freeTextAnswered: [String] = []
        for text in plan.freeText where text.path.hasText(in: submission) { freeTextAnswered.append(text.name) }
        self.init(region: region, formVersion: submission.formVersion, codebookVersion: coded.coding.codebookVersion,
                  day: submission.submittedDay, fields: fields, numbers: numbers, freeTextAnswered: freeTextAnswered)
    }

    /// An option field: the plan's codes found at `path` (answered = a non-empty array or string).
    private static func options(at path: TallyPath, multi: Bool, in submission: Submission, among planCodes: [String]) -> FieldValue {
        var found: [String] = []
        path.forEachValue(in: submission) { value in
            if multi {
                guard case .array(let elements) = value else { return }
                for case .string(let option) in elements { found.append(option) }
            } else if case .string(let option) = value, !option.isEmpty {
                found.append(option)
            }
        }
        if found.isEmpty { return FieldValue(answered: false, codes: []) }
        return FieldValue(answered: true, codes: planCodes.filter(found.contains))
    }

    /// A coded field: the coder's codes that the plan lists, in plan order (answered = the
    /// coder's flag, or any code). The coder's list is taken as it is when it already is that.
    private static func coded(_ name: String, in fields: [String: CodedField], among planCodes: [String]) -> FieldValue {
        // Read in place: the field's evidence is not copied.
        guard let slot = fields.index(forKey: name) else { return FieldValue(answered: false, codes: []) }
        let found = fields.values[slot].codes
        let codes = isOrderedSubset(found, of: planCodes) ? found : planCodes.filter(found.contains)
        return FieldValue(answered: fields.values[slot].answered || !codes.isEmpty, codes: codes)
    }

    /// Whether every element of `codes` is in `planCodes`, once and in the same order (so
    /// filtering `planCodes` by `codes` would give `codes` back).
    private static func isOrderedSubset(_ codes: [String], of planCodes: [String]) -> Bool {
        var next = 0
        for code in codes {
            guard let at = planCodes[next...].firstIndex(of: code) else { return false }
            next = at + 1
        }
        return true
    }

    /// The first finite number `path` reaches, in `TallyPath.values(in:)` order: without a
    /// wildcard there is at most one value, so nothing is collected or sorted.
    private static func firstFiniteNumber(at path: TallyPath, in submission: Submission) -> Double? {
        if path.hasWildcard {
            return path.values(in: submission).lazy.compactMap(\.numberValue).first(where: \.isFinite)
        }
        var found: Double?
        path.forEachValue(in: submission) { value in
            if case .number(let number) = value, number.isFinite { found = number }
        }
        return found
    }

    enum CodingKeys: String, CodingKey {
        case region, day, fields, numbers
        case formVersion = "form_version"
        case codebookVersion = "codebook_version"
        case freeTextAnswered = "free_text_answered"
    }
}
