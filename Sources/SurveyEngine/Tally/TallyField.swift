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
    public init(name: String, origin: Origin, source: [String], codes: [String]) {
        self.name = name
        self.origin = origin
        self.source = source
        self.codes = codes
    }
}
