/// Consistency checks of an instrument definition, with messages a survey team can act on.
extension Instrument {
    static func question(from file: InstrumentFile.QuestionFile, path: String, source: String) throws(SurveyDefinitionError) -> Question {
        var q = Question(name: file.name, type: file.type)
        q.label = file.label
        q.required = file.required ?? false
        q.requiredWhen = file.requiredWhen.map { RequiredWhen(question: $0.question, includes: $0.includes) }
        q.options = file.options
        q.min = file.min
        q.max = file.max
        q.minItems = file.minItems
        q.maxItems = file.maxItems
        q.distinct = file.distinct ?? false
        q.maxLength = file.maxLength
        q.sectionsFor = file.sectionsFor
        q.unknownFields = file.unknownFields ?? .reject
        let allowed = Instrument.keysApplying(to: file.type)
        for key in file.presentKeys.sorted() where !allowed.contains(key) {
            throw SurveyDefinitionError(
                file: source,
                message:
                    "\(path) ('\(file.name)'): '\(key)' does not apply to type \(file.type.rawValue); it may use \(allowed.sorted().joined(separator: ", "))"
            )
        }
        for (n, field) in (file.fields ?? []).enumerated() {
            q.fields.append(try question(from: field, path: "\(path).fields[\(n)]", source: source))
        }
        return q
    }

    /// The keys a question of `type` may set.
    static func keysApplying(to type: QuestionType) -> Set<String> {
        var keys: Set<String> = ["name", "label", "type", "required", "required_when"]
        switch type {
        case .text: keys.formUnion(["max_length"])
        case .integer, .number: keys.formUnion(["min", "max"])
        case .boolean: break
        case .singleOption: keys.formUnion(["options"])
        case .multiOption: keys.formUnion(["options", "min_items", "max_items", "distinct"])
        case .section: keys.formUnion(["fields", "unknown_fields"])
        case .sectionMap: keys.formUnion(["options", "fields", "unknown_fields", "sections_for"])
        }
        return keys
    }

    func check() throws(SurveyDefinitionError) {
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: source, message: message) }

        guard !formId.isEmpty, !formId.contains(where: \.isWhitespace) else {
            throw fail("form_id '\(formId)' must be a non-empty word without spaces")
        }
        guard !versions.isEmpty else { throw fail("versions is empty; declare at least one form version, e.g. [\"1\"]") }
        if let repeated = Instrument.firstRepeat(versions) { throw fail("version '\(repeated)' is declared twice") }
        guard !frameFile.isEmpty else { throw fail("frame.file is empty; name the population frame CSV") }
        guard limits.messageBytes > 0 else { throw fail("limits.message_bytes must be positive, not \(limits.messageBytes)") }
        guard limits.textCharacters > 0 else { throw fail("limits.text_characters must be positive, not \(limits.textCharacters)") }

        let envelopeMembers = envelope.stringMembers + [envelope.answers]
        if let repeated = Instrument.firstRepeat(envelopeMembers.map(\.member)) {
            throw fail("envelope: member name '\(repeated)' is used for two roles")
        }
        for (role, member) in [
            ("form_id", envelope.formId), ("form_version", envelope.formVersion), ("instance_id", envelope.instanceId),
            ("respondent_id", envelope.respondentId), ("submitted_at", envelope.submittedAt), ("answers", envelope.answers),
        ]
        where !member.required {
            throw fail("envelope.\(role) cannot be optional: every submission needs it (only deprecated_id may be)")
        }
        if envelope.answers.format != nil { throw fail("envelope.answers is an object and takes no format") }

        for list in optionLists {
            guard !list.options.isEmpty else { throw fail("option list '\(list.name)' has no options") }
            if let empty = list.options.first(where: { $0.code.isEmpty || $0.code.contains(where: \.isWhitespace) }) {
                throw fail("option list '\(list.name)': code '\(empty.code)' must be a non-empty word without spaces")
            }
            if let repeated = Instrument.firstRepeat(list.codes) { throw fail("option list '\(list.name)' declares '\(repeated)' twice") }
        }
        if let repeated = Instrument.firstRepeat(optionLists.map(\.name)) { throw fail("option list '\(repeated)' is declared twice") }

        guard !questions.isEmpty else { throw fail("questions is empty; declare at least one") }
        try checkFields(questions, path: "questions", topLevel: true)
    }

    private func checkFields(_ fields: [Question], path: String, topLevel: Bool) throws(SurveyDefinitionError) {
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: source, message: message) }
        if let repeated = Instrument.firstRepeat(fields.map(\.name)) { throw fail("\(path): '\(repeated)' is declared twice") }
        for (n, q) in fields.enumerated() {
            let at = "\(path)[\(n)] ('\(q.name)')"
            guard !q.name.isEmpty else { throw fail("\(path)[\(n)]: name is empty") }
            let usesOptions = q.type == .singleOption || q.type == .multiOption || q.type == .sectionMap
            if usesOptions {
                guard let name = q.options else { throw fail("\(at): type \(q.type.rawValue) needs 'options', the name of an option list") }
                guard optionList(named: name) != nil else {
                    var message = "\(at): option list '\(name)' is not declared under option_lists"
                    if let near = Spelling.closest(to: name, in: optionLists.map(\.name)) { message += "; did you mean '\(near)'?" }
                    throw fail(message)
                }
            } else if q.options != nil {
                throw fail("\(at): 'options' applies to single_option, multi_option and section_map only")
            }
            if let min = q.min, let max = q.max, min > max { throw fail("\(at): min \(min) is above max \(max)") }
            if q.type == .integer {
                for bound in [q.min, q.max].compactMap({ $0 }) where bound.rounded() != bound {
                    throw fail("\(at): an integer question needs whole-number bounds, not \(bound)")
                }
            }
            if let minItems = q.minItems, minItems < 0 { throw fail("\(at): min_items must not be negative") }
            if let maxItems = q.maxItems, maxItems < 1 { throw fail("\(at): max_items must be at least 1") }
            if let minItems = q.minItems, let maxItems = q.maxItems, minItems > maxItems {
                throw fail("\(at): min_items \(minItems) is above max_items \(maxItems)")
            }
            if let maxLength = q.maxLength, maxLength < 1 { throw fail("\(at): max_length must be at least 1") }
            if q.required && q.requiredWhen != nil {
                throw fail("\(at): set either 'required: true' or 'required_when', not both")
            }
            if let condition = q.requiredWhen {
                try checkChoiceReference(condition.question, codes: condition.includes, at: "\(at).required_when")
            }
            switch q.type {
            case .section, .sectionMap:
                guard !q.fields.isEmpty else { throw fail("\(at): a \(q.type.rawValue) needs at least one field under 'fields'") }
                try checkFields(q.fields, path: "\(at).fields", topLevel: false)
            default:
                if !q.fields.isEmpty { throw fail("\(at): 'fields' applies to section and section_map only") }
            }
            if let source = q.sectionsFor {
                guard q.type == .sectionMap else { throw fail("\(at): 'sections_for' applies to section_map only") }
                try checkChoiceReference(source, codes: [], at: "\(at).sections_for")
                if question(named: source)?.options != q.options {
                    throw fail(
                        "\(at): sections_for names '\(source)', whose option list differs from '\(q.options ?? "")'; a section per chosen code needs the same list"
                    )
                }
            }
        }
    }

    /// Checks that `name` is a top-level option question and that `codes` are codes of its list.
    private func checkChoiceReference(_ name: String, codes: [String], at: String) throws(SurveyDefinitionError) {
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: source, message: message) }
        guard let referenced = question(named: name) else {
            var message = "\(at): there is no top-level question '\(name)'"
            if let near = Spelling.closest(to: name, in: questions.map(\.name)) { message += "; did you mean '\(near)'?" }
            throw fail(message)
        }
        guard referenced.type == .singleOption || referenced.type == .multiOption, let list = referenced.options.flatMap(optionList(named:)) else {
            throw fail("\(at): '\(name)' must be a single_option or multi_option question")
        }
        if codes.isEmpty && at.hasSuffix("required_when") { throw fail("\(at): 'includes' names no code") }
        for code in codes where !list.contains(code) {
            var message = "\(at): '\(code)' is not a code of option list '\(list.name)'"
            if let near = Spelling.closest(to: code, in: list.codes) { message += "; did you mean '\(near)'?" }
            throw fail(message)
        }
    }

    static func firstRepeat(_ names: [String]) -> String? {
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted { return name }
        return nil
    }

    /// A survey team's reading of a Yams or decoding error: where (key path, line) and what.
    static func explain(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.reduce(into: "") { result, key in
                if let i = key.intValue { result += "[\(i)]" } else { result += (result.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(path(context.codingPath)): missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Instrument.describe(type)); \(context.debugDescription)"
        case DecodingError.valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Instrument.describe(type)), found nothing"
        case DecodingError.dataCorrupted(let context):
            if let underlying = context.underlyingError { return "not a readable YAML file: \(underlying)" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "not a readable YAML file: \(error)"
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "a list" : "a mapping"
        }
    }
}
