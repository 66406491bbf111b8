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
    public init(
        planVersion: Int = 1,
        formId: String,
        referenceDate: String,
        fields: [TallyField],
        numeric: [NumericSummaryPlan] = [],
        freeText: [FreeTextPlan] = [],
        crosstabs: [CrossTabPlan] = [],
        regionOrder: [String] = [],
        source: String = "tally plan"
    ) throws(SurveyDefinitionError) {
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
