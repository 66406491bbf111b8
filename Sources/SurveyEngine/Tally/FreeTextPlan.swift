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
