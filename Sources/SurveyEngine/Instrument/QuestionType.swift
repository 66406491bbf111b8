/// The generic answer types an instrument can declare. Each maps onto one JSON shape.
public enum QuestionType: String, Sendable, Hashable, CaseIterable {
    /// A JSON string; `max_length` (characters) applies, default the instrument's text cap.
    case text
    /// A JSON number with no fractional part; `min`/`max` apply.
    case integer
    /// A JSON number; `min`/`max` apply.
    case number
    /// `true` or `false`.
    case boolean
    /// A JSON string that is one code of the question's option list.
    case singleOption = "single_option"
    /// A JSON array of codes of the question's option list; `min_items`, `max_items`, `distinct` apply.
    case multiOption = "multi_option"
    /// A JSON object with the declared `fields`.
    case section
    /// A JSON object keyed by codes of the question's option list, each member a section with the declared `fields`.
    case sectionMap = "section_map"
}
