extension SurveyDefinition {
    /// Every disagreement between an instrument, a codebook and a tally plan, one sentence each
    /// (empty when they agree): same form and reference date; option fields read an option
    /// question and list its option codes; coded fields name codebook fields with the same
    /// sources and reported codes; numbers and texts name questions of the right type.
    /// - Parameters:
    ///   - instrument: The questionnaire: its form id, reference date and question types and options.
    ///   - codebook: The codebook whose survey id, fields, sources and reported codes are checked.
    ///   - plan: The tally plan whose option, coded, number and text fields must refer to the other two.
    /// - Returns: One readable sentence per disagreement, naming the files involved; empty when the
    ///   three files agree.
    public static func inconsistencies(instrument: Instrument, codebook: Codebook, plan: TallyPlan) -> [String] {
        var found: [String] = []
        if plan.formId != instrument.formId {
            found.append("tally.yaml is for form '\(plan.formId)', instrument.yaml for '\(instrument.formId)'")
        }
        if codebook.survey != instrument.formId {
            found.append("codebook.yaml is for survey '\(codebook.survey)', instrument.yaml for '\(instrument.formId)'")
        }
        if plan.referenceDate != instrument.referenceDate.description {
            found.append("tally.yaml has reference_date \(plan.referenceDate), instrument.yaml \(instrument.referenceDate)")
        }
        for field in plan.fields {
            switch field.origin {
            case .options(let path, let multi):
                guard let question = question(at: path, in: instrument) else {
                    found.append("tally field '\(field.name)' reads \(path), which no instrument question declares")
                    continue
                }
                let expectedType: QuestionType = multi ? .multiOption : .singleOption
                if question.type != expectedType {
                    found.append(
                        "tally field '\(field.name)' (multi: \(multi)) reads \(path), a \(question.type.rawValue) question; expected \(expectedType.rawValue)"
                    )
                }
                if let list = question.options.flatMap(instrument.optionList(named:)), Set(list.codes) != Set(field.codes) {
                    found.append("tally field '\(field.name)' lists codes \(field.codes), the instrument's option list '\(list.name)' \(list.codes)")
                }
            case .coded:
                guard let coded = codebook.field(field.name) else {
                    found.append("tally field '\(field.name)' is coded, but codebook.yaml has no field of that name")
                    continue
                }
                let reported = coded.codes.filter(\.report).map(\.code)
                if Set(reported) != Set(field.codes) {
                    found.append("tally field '\(field.name)' lists codes \(field.codes), codebook.yaml reports \(reported)")
                }
                if Set(coded.sources) != Set(field.source) {
                    found.append("tally field '\(field.name)' shows source \(field.source), codebook.yaml reads \(coded.sources)")
                }
            case .band(let rule):
                if let question = question(at: rule.path, in: instrument), ![.integer, .number].contains(question.type) {
                    found.append("band field '\(field.name)' reads \(rule.path), a \(question.type.rawValue) question; expected a number")
                } else if question(at: rule.path, in: instrument) == nil {
                    found.append("band field '\(field.name)' reads \(rule.path), which no instrument question declares")
                }
            }
        }
        let codedNumbers = Set(codebook.fields.flatMap { $0.numbers.map(\.name) })
        for summary in plan.numeric {
            switch summary.origin {
            case .codedNumber(let name) where !codedNumbers.contains(name):
                found.append("numeric summary '\(summary.name)' reads coded number '\(name)', which codebook.yaml does not define")
            case .answer(let path):
                let question = question(at: path, in: instrument)
                if question.map({ ![.integer, .number].contains($0.type) }) ?? true {
                    found.append("numeric summary '\(summary.name)' reads \(path), which is not a number question of the instrument")
                }
            default:
                break
            }
        }
        for text in plan.freeText where question(at: text.path, in: instrument)?.type != .text {
            found.append("free text '\(text.name)' reads \(text.path), which is not a text question of the instrument")
        }
        return found
    }

    /// The instrument question a plan path reads (`answers.q`, `answers.sections.*.field`), or
    /// `nil`. A section map's step after the question is a member key (`*` or an option code).
    static func question(at path: TallyPath, in instrument: Instrument) -> Question? {
        let steps = path.steps
        guard steps.first == "answers", steps.count >= 2, var current = instrument.question(named: steps[1]) else { return nil }
        var i = 2
        while i < steps.count {
            let name: String
            if current.type == .sectionMap {
                guard i + 1 < steps.count else { return nil }
                name = steps[i + 1]
                i += 2
            } else {
                name = steps[i]
                i += 1
            }
            guard let next = current.field(named: name) else { return nil }
            current = next
        }
        return current
    }
}
