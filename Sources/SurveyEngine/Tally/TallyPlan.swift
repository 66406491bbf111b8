/// What the aggregator counts for a survey and how the tally document shows it, loaded from
/// `Schemas/<form>/tally.yaml` (see `Schemas/TALLY.md`). Nothing about a survey is written in
/// Swift: field names, codes, bands and cross-tabs all come from this plan.
public struct TallyPlan: Sendable, Hashable {
    /// The plan file format version (`plan_version`); this engine reads version 1.
    public var planVersion: Int
    /// The instrument id the plan belongs to, e.g. `wwc-csc-2018`.
    public var formId: String
    /// The survey's reference date as written (`YYYY-MM-DD`).
    public var referenceDate: String
    /// The year of `referenceDate`: bands measure years before it.
    public var referenceYear: Int
    /// Tallied fields in document order.
    public var fields: [TallyField]
    /// Numeric summaries in document order.
    public var numeric: [NumericSummaryPlan]
    /// Uncoded free texts whose answered count is shown.
    public var freeText: [FreeTextPlan]
    /// Cross-tabs of two tallied fields.
    public var crosstabs: [CrossTabPlan]
    /// The order regions are shown in (`region_order`); regions of the frame not listed follow
    /// in frame order. Default: empty (frame order).
    public var regionOrder: [String]

    /// The field named `name`, or `nil`.
    ///
    /// - Parameter name: A tallied field's name, e.g. `top_approaches`; compared exactly.
    public func field(named name: String) -> TallyField? { fields.first { $0.name == name } }

    /// Builds a plan from its parts and checks it is consistent.
    ///
    /// - Parameters:
    ///   - planVersion: The plan file format version; only 1 is accepted. Default: 1.
    ///   - formId: The instrument id the plan belongs to; must not be empty.
    ///   - referenceDate: `YYYY-MM-DD`; only its year is used (bands count years before it).
    ///   - fields: The tallied fields in document order; at least one.
    ///   - numeric: Numeric summaries in document order. Default: none.
    ///   - freeText: Uncoded free texts whose answered count is shown. Default: none.
    ///   - crosstabs: Cross-tabs of two tallied fields. Default: none.
    ///   - regionOrder: The order regions are shown in; unlisted frame regions follow in frame order, and listed
    ///     names the frame lacks are ignored. Default: none (frame order).
    ///   - source: The file named in error messages. Default: `tally plan`.
    /// - Throws: `SurveyDefinitionError` (file `source`) when names repeat, a field has no or
    ///   repeated codes, bands overlap, or a cross-tab names a field the plan lacks; also for an unsupported
    ///   `planVersion`, an empty `formId` or a `referenceDate` without a four-digit year.
    public init(planVersion: Int = 1, formId: String, referenceDate: String, fields: [TallyField],
                numeric: [NumericSummaryPlan] = [], freeText: [FreeTextPlan] = [], crosstabs: [CrossTabPlan] = [],
                regionOrder: [String] = [], source: String = "tally plan") throws(SurveyDefinitionError) {
        guard planVersion == 1 else {
            throw SurveyDefinitionError(file: source, message: "plan_version \(planVersion) is not supported; this engine reads plan_version 1")
        }
        guard !formId.isEmpty else { throw SurveyDefinitionError(file: source, message: "form_id is empty") }
        let dateParts = referenceDate.split(separator: "-")
        guard dateParts.count == 3, dateParts[0].count == 4, let year = Int(dateParts[0]) else {
            throw SurveyDefinitionError(file: source, message: "reference_date '\(referenceDate)' is not a date written YYYY-MM-DD")
        }
        self.planVersion = planVersion
        self.formId = formId
        self.referenceDate = referenceDate
        self.referenceYear = year
        self.fields = fields
        self.numeric = numeric
        self.freeText = freeText
        self.crosstabs = crosstabs
        self.regionOrder = regionOrder
        try check(source: source)
    }

    private func check(source: String) throws(SurveyDefinitionError) {
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: source, message: message) }
        guard !fields.isEmpty else { throw fail("the plan tallies no fields; list at least one under fields:") }
        if let name = Self.firstRepeat(fields.map(\.name)) { throw fail("the field name '\(name)' appears more than once under fields:") }
        if let name = Self.firstRepeat(numeric.map(\.name)) { throw fail("the numeric summary '\(name)' appears more than once under numeric:") }
        if let name = Self.firstRepeat(freeText.map(\.name)) { throw fail("the free text '\(name)' appears more than once under free_text:") }
        if let name = Self.firstRepeat(crosstabs.map(\.name)) { throw fail("the cross-tab '\(name)' appears more than once under crosstabs:") }
        if let name = Self.firstRepeat(regionOrder) { throw fail("the region '\(name)' appears more than once under region_order:") }
        for field in fields {
            guard !field.codes.isEmpty else { throw fail("the field '\(field.name)' lists no codes") }
            if let code = Self.firstRepeat(field.codes) { throw fail("the field '\(field.name)' lists the code '\(code)' more than once") }
            if case .band(let rule) = field.origin { try rule.check(field: field.name, source: source) }
        }
        for tab in crosstabs {
            for axis in [tab.rows, tab.columns] where field(named: axis) == nil {
                throw fail("the cross-tab '\(tab.name)' names the field '\(axis)', which is not under fields:")
            }
        }
    }

    /// `frame`'s regions in the plan's `regionOrder`, then the rest in frame order.
    ///
    /// - Parameter frame: The population frame.
    /// - Returns: Every frame region once with its unit count; `regionOrder` names the frame lacks are left out.
    public func orderedRegions(of frame: Frame) -> [(name: String, size: Int)] {
        let regions = frame.regions
        let listed = regionOrder.compactMap { name in regions.first { $0.name == name } }
        return listed + regions.filter { !regionOrder.contains($0.name) }
    }

    static func firstRepeat(_ names: [String]) -> String? {
        var seen: Set<String> = []
        return names.first { !seen.insert($0).inserted }
    }
}

/// One tallied field: where its codes come from, which sources the document names, and the
/// codes in document order.
public struct TallyField: Sendable, Hashable {
    /// Where a field's codes come from.
    public enum Origin: Sendable, Hashable {
        /// An answer holding option codes: an array when `multi`, else a single string.
        case options(path: TallyPath, multi: Bool)
        /// The coded field of the same name in the submission's `CodingResult`.
        case coded
        /// A band derived from the earliest number at a path.
        case band(BandRule)
    }

    /// The field name, e.g. `top_approaches`.
    public var name: String
    /// Where its codes come from.
    public var origin: Origin
    /// The source strings the document shows (`source`), e.g. `["answers.top_approaches"]`.
    public var source: [String]
    /// The codes in document order (for a band: the bands, then the missing code).
    public var codes: [String]

    /// Creates a field; see `TallyPlan.init` for the checks.
    ///
    /// - Parameters:
    ///   - name: The field name, unique in the plan; for `.coded`, the `CodingResult` field it reads.
    ///   - origin: Where its codes come from.
    ///   - source: The source strings the document shows, e.g. `["answers.top_approaches"]`.
    ///   - codes: The codes in document order; others found in submissions are not counted. For a band field,
    ///     the band codes then the missing code.
    public init(name: String, origin: Origin, source: [String], codes: [String]) {
        self.name = name
        self.origin = origin
        self.source = source
        self.codes = codes
    }
}

/// A derived band: the earliest number found at `path`, measured as whole years before the
/// plan's reference year, placed in the first band whose range holds it; `missing` when no
/// number is found or no band holds it (e.g. a year after the reference year).
public struct BandRule: Sendable, Hashable {
    /// One band: `minYears...maxYears` (no upper end when `maxYears` is `nil`).
    public struct Band: Sendable, Hashable {
        /// The code, e.g. `5_to_10`.
        public var code: String
        /// Smallest number of years in the band.
        public var minYears: Int
        /// Largest number of years in the band, or `nil` for no upper end.
        public var maxYears: Int?

        /// Creates a band.
        ///
        /// - Parameters:
        ///   - code: The band's code, e.g. `5_to_10`.
        ///   - minYears: Smallest whole number of years in the band, inclusive.
        ///   - maxYears: Largest whole number of years, inclusive, or nil for no upper end. Default: nil.
        public init(code: String, minYears: Int, maxYears: Int? = nil) {
            self.code = code
            self.minYears = minYears
            self.maxYears = maxYears
        }

        /// Whether `years` lies in this band.
        ///
        /// - Parameter years: Whole years before the reference year; negative for a year after it.
        public func contains(_ years: Int) -> Bool { years >= minYears && (maxYears.map { years <= $0 } ?? true) }
    }

    /// Where the years are read, e.g. `answers.approaches.*.introduced_year`.
    public var path: TallyPath
    /// The bands in document order.
    public var bands: [Band]
    /// The code for respondents without a number (or outside every band).
    public var missing: String

    /// Creates a rule.
    ///
    /// - Parameters:
    ///   - path: Where the years are read; a `*` step reads every member, and the earliest number counts.
    ///   - bands: The bands in document order; the plan rejects overlapping bands.
    ///   - missing: The code for respondents without a number or outside every band.
    public init(path: TallyPath, bands: [Band], missing: String) {
        self.path = path
        self.bands = bands
        self.missing = missing
    }

    /// The band code for `submission` measured against `referenceYear`.
    ///
    /// - Parameters:
    ///   - submission: The head version; non-numeric and non-finite values at `path` are ignored.
    ///   - referenceYear: The plan's reference year; the earliest year, rounded down, is subtracted from it.
    /// - Returns: The first band holding the age in years, or `missing`.
    public func code(for submission: Submission, referenceYear: Int) -> String {
        var earliest: Double?
        path.forEachValue(in: submission) { value in
            guard case .number(let year) = value, year.isFinite else { return }
            earliest = Swift.min(earliest ?? year, year)
        }
        guard let earliest else { return missing }
        let age = referenceYear - Int(earliest.rounded(.down))
        return bands.first { $0.contains(age) }?.code ?? missing
    }

    func check(field: String, source: String) throws(SurveyDefinitionError) {
        guard !bands.isEmpty else { throw SurveyDefinitionError(file: source, message: "the band field '\(field)' lists no bands") }
        for band in bands {
            if let max = band.maxYears, max < band.minYears {
                throw SurveyDefinitionError(file: source, message: "the band '\(band.code)' of '\(field)' has max_years \(max) below min_years \(band.minYears)")
            }
        }
        for (i, a) in bands.enumerated() {
            for b in bands[(i + 1)...] {
                let aMax = a.maxYears ?? Int.max, bMax = b.maxYears ?? Int.max
                if a.minYears <= bMax && b.minYears <= aMax {
                    throw SurveyDefinitionError(file: source, message: "the bands '\(a.code)' and '\(b.code)' of '\(field)' overlap; a number of years must fall in one band only")
                }
            }
        }
    }
}

/// A numeric summary (n, min, exact median, max) over counted respondents that have a value.
public struct NumericSummaryPlan: Sendable, Hashable {
    /// Where the value comes from.
    public enum Origin: Sendable, Hashable {
        /// `CodingResult.numbers[name]` (a number read out of free text).
        case codedNumber(String)
        /// A numeric answer at a path (the first number it reaches).
        case answer(TallyPath)
    }

    /// The summary name, e.g. `duration_weeks`.
    public var name: String
    /// Where the value comes from.
    public var origin: Origin

    /// Creates a numeric summary plan.
    ///
    /// - Parameters:
    ///   - name: The summary name, unique among numeric summaries, e.g. `duration_weeks`.
    ///   - origin: A coded number of the same meaning, or a numeric answer at a path.
    public init(name: String, origin: Origin) {
        self.name = name
        self.origin = origin
    }
}

/// An uncoded free text: the document shows how many counted respondents answered it.
public struct FreeTextPlan: Sendable, Hashable {
    /// The name in the document, e.g. `other_approach_text`.
    public var name: String
    /// Where the text is.
    public var path: TallyPath

    /// Creates a free-text plan.
    ///
    /// - Parameters:
    ///   - name: The name in the document, e.g. `other_approach_text`.
    ///   - path: Where the text is; a text counts as answered when it is not blank.
    public init(name: String, path: TallyPath) {
        self.name = name
        self.path = path
    }
}

/// A cross-tab of two tallied fields: rows and columns are their codes in plan order; a cell
/// counts respondents holding both codes.
public struct CrossTabPlan: Sendable, Hashable {
    /// The name in the document, e.g. `established_band x care_trend`.
    public var name: String
    /// The field whose codes are the rows.
    public var rows: String
    /// The field whose codes are the columns.
    public var columns: String

    /// Creates a cross-tab plan.
    ///
    /// - Parameters:
    ///   - name: The name in the document, e.g. `established_band x care_trend`.
    ///   - rows: The tallied field whose codes are the rows.
    ///   - columns: The tallied field whose codes are the columns.
    public init(name: String, rows: String, columns: String) {
        self.name = name
        self.rows = rows
        self.columns = columns
    }
}
