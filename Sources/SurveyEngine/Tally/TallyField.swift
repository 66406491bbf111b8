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
