/// An uncoded free text: the document shows how many counted respondents answered it.
public struct FreeTextPlan: Sendable, Hashable {
    /// The name in the document, e.g. `other_approach_text`.
    public var name: String
    /// Where the text is.
    public var path: TallyPath

    /// Creates a free-text plan.
    public init(name: String, path: TallyPath) {
        self.name = name
        self.path = path
    }
}
