/// A `Question` prepared for fast checking: option lists resolved, caps settled, names indexed.
/// A class so walking the questions retains one reference rather than copying every field.
final class CompiledQuestion: Sendable {
    let name: String
    let type: QuestionType
    let required: Bool
    let requiredWhen: (question: String, includes: [String])?
    let options: CompiledOptions?
    let min: Double?
    let max: Double?
    let minItems: Int?
    let maxItems: Int?
    let distinct: Bool
    let maxLength: Int
    let fields: [CompiledQuestion]
    let fieldNames: Set<String>
    let sectionsFor: String?
    let unknownFields: UnknownMemberPolicy

    init(_ q: Question, in instrument: Instrument) {
        name = q.name
        type = q.type
        required = q.required
        requiredWhen = q.requiredWhen.map { ($0.question, $0.includes) }
        options = q.options.flatMap(instrument.optionList(named:)).map(CompiledOptions.init)
        min = q.min
        max = q.max
        minItems = q.minItems
        maxItems = q.maxItems
        distinct = q.distinct
        maxLength = q.maxLength ?? instrument.limits.textCharacters
        fields = q.fields.map { CompiledQuestion($0, in: instrument) }
        fieldNames = Set(q.fields.map(\.name))
        sectionsFor = q.sectionsFor
        unknownFields = q.unknownFields
    }
}
