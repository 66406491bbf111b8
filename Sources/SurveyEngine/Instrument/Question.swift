/// One answer an instrument declares: a top-level question of `answers`, or a field of a section.
///
/// Which properties apply depends on `type` (the loader rejects a property that does not apply):
/// `options` for `single_option`, `multi_option` and `section_map`; `min`/`max` for `integer` and
/// `number`; `minItems`/`maxItems`/`distinct` for `multi_option`; `maxLength` for `text`; `fields`
/// and `unknownFields` for `section` and `section_map`; `sectionsFor` for `section_map`.
public struct Question: Sendable, Hashable {
    /// The JSON member name, e.g. `top_approaches`.
    public var name: String
    /// The question as respondents saw it; `nil` when the file gives none.
    public var label: String?
    /// The JSON shape and meaning of the answer.
    public var type: QuestionType
    /// Whether the answer must be present (a JSON `null` counts as absent; a required text must not be blank). Default: `false`.
    public var required: Bool = false
    /// A condition under which the answer is required, e.g. when `top_approaches` includes `other`. Default: `nil`.
    public var requiredWhen: RequiredWhen?
    /// The option list (by name) whose codes the answer uses. Default: `nil`.
    public var options: String?
    /// Inclusive lower bound of a number or integer. Default: `nil` (none).
    public var min: Double?
    /// Inclusive upper bound of a number or integer. Default: `nil` (none).
    public var max: Double?
    /// Fewest items of a `multi_option` answer. Default: `nil` (none).
    public var minItems: Int?
    /// Most items of a `multi_option` answer. Default: `nil` (none).
    public var maxItems: Int?
    /// Whether a `multi_option` answer may not repeat a code. Default: `false`.
    public var distinct: Bool = false
    /// Longest text in characters (Unicode scalars). Default: `nil`, the instrument's `limits.textCharacters`.
    public var maxLength: Int?
    /// The fields of a section (`section`, or each member of a `section_map`). Default: none.
    public var fields: [Question] = []
    /// For `section_map`: the top-level option question whose chosen codes each need a section. Default: `nil`.
    public var sectionsFor: String?
    /// What to do with a member of a section that `fields` does not declare. Default: `.reject`.
    public var unknownFields: UnknownMemberPolicy = .reject

    /// Creates a question of `type` named `name`; set the other properties as the type needs.
    ///
    /// Nothing is checked here; building the ``Instrument`` checks the properties against the type.
    ///
    /// - Parameters:
    ///   - name: The JSON member name, e.g. `top_approaches`.
    ///   - type: The JSON shape and meaning of the answer.
    public init(name: String, type: QuestionType) {
        self.name = name
        self.type = type
    }

    /// The field named `name` of a section, or `nil`.
    ///
    /// - Parameter name: The field's member name within the section; compared exactly.
    public func field(named name: String) -> Question? { fields.first { $0.name == name } }
}
