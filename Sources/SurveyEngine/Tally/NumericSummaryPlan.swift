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
