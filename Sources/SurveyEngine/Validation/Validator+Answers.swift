/// The answer checks: each question of the instrument against `answers`, collecting every problem.
extension Validator {
    func checkAnswers(_ answers: [String: JSONValue], into c: inout ProblemCollector) {
        for q in questions {
            check(q, answers[q.name], answers: answers, into: &c)
        }
        if instrument.unknownAnswers == .reject, answers.count > 0 {
            var unknown: [String] = []
            for name in answers.keys where !questionNames.contains(name) { unknown.append(name) }
            for name in unknown.sorted() {
                let message = Validator.sentence("'\(Validator.excerpt(name))' is not a question of \(instrument.formId)",
                                                 suggesting: name, from: instrument.questions.map(\.name))
                c.report(at: name, .unknownMember, message)
            }
        }
    }

    /// Checks one question or section field; `value` is its member, `answers` the top-level answers for conditions.
    func check(_ q: CompiledQuestion, _ value: JSONValue?, answers: [String: JSONValue], into c: inout ProblemCollector) {
        c.push(q.name)
        defer { c.pop() }
        let required = q.required || conditionHolds(q, answers)
        guard let value, value != .null else {
            if q.required {
                c.report(.required, "\(q.name) is required")
            } else if required, let condition = q.requiredWhen {
                c.report(.required, "\(q.name) is required when \(condition.question) includes \(condition.includes.sorted().joined(separator: " or "))")
            }
            return
        }
        switch q.type {
        case .text:
            guard case .string(let text) = value else { return mismatch(q, "text (a JSON string)", value, &c) }
            if required && Validator.isBlank(text) {
                c.report(.required, "\(q.name) is required and must not be blank")
            } else if text.utf8.count > q.maxLength {
                let characters = text.unicodeScalars.count
                if characters > q.maxLength {
                    c.report(.tooLarge, "\(q.name) has \(characters) characters; the limit is \(q.maxLength)")
                }
            }
        case .integer:
            guard case .number(let number) = value else { return mismatch(q, "a whole number", value, &c) }
            guard number.rounded(.towardZero) == number else {
                return c.report(.typeMismatch, "\(q.name) must be a whole number, found \(number)")
            }
            checkRange(q, number, &c)
        case .number:
            guard case .number(let number) = value else { return mismatch(q, "a number", value, &c) }
            checkRange(q, number, &c)
        case .boolean:
            guard case .bool = value else { return mismatch(q, "true or false", value, &c) }
        case .singleOption:
            guard case .string(let code) = value else { return mismatch(q, "one option code (a JSON string)", value, &c) }
            checkOption(q, code, &c)
        case .multiOption:
            guard case .array(let items) = value else { return mismatch(q, "a list of option codes (a JSON array)", value, &c) }
            checkItems(q, items, &c)
        case .section:
            guard case .object(let members) = value else { return mismatch(q, "a section (a JSON object)", value, &c) }
            checkSection(q, members, answers: answers, &c)
        case .sectionMap:
            guard case .object(let members) = value else { return mismatch(q, "a JSON object keyed by option code", value, &c) }
            checkSectionMap(q, members, answers: answers, &c)
        }
    }

    private func mismatch(_ q: CompiledQuestion, _ expected: String, _ value: JSONValue, _ c: inout ProblemCollector) {
        c.report(.typeMismatch, "\(q.name) must be \(expected), found \(Validator.describe(value))")
    }

    private func checkRange(_ q: CompiledQuestion, _ number: Double, _ c: inout ProblemCollector) {
        if let min = q.min, number < min {
            c.report(.outOfRange, "\(q.name) \(Validator.format(number)) is below the minimum \(Validator.format(min))")
        } else if let max = q.max, number > max {
            c.report(.outOfRange, "\(q.name) \(Validator.format(number)) is above the maximum \(Validator.format(max))")
        }
    }

    private func checkOption(_ q: CompiledQuestion, _ code: String, _ c: inout ProblemCollector) {
        guard let list = q.options, !list.contains(code) else { return }
        let message = Validator.sentence("'\(Validator.excerpt(code))' is not an option of \(q.name)", suggesting: code, from: list.codes)
        c.report(.unknownOption, message + " Options: \(list.codes.joined(separator: ", ")).")
    }

    private func checkItems(_ q: CompiledQuestion, _ items: [JSONValue], _ c: inout ProblemCollector) {
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            c.push(index)
            defer { c.pop() }
            guard case .string(let code) = item else {
                c.report(.typeMismatch, "each item of \(q.name) must be an option code (a JSON string), found \(Validator.describe(item))")
                continue
            }
            checkOption(q, code, &c)
            if q.distinct && !seen.insert(code).inserted {
                c.report(.duplicateItem, "'\(Validator.excerpt(code))' is chosen more than once in \(q.name)")
            }
        }
        if let maxItems = q.maxItems, items.count > maxItems {
            c.report(.tooManyItems, "\(q.name) has \(items.count) items; choose at most \(maxItems)")
        }
        if let minItems = q.minItems, items.count < minItems {
            c.report(.tooFewItems, "\(q.name) has \(items.count) items; choose at least \(minItems)")
        }
    }

    private func checkSection(_ q: CompiledQuestion, _ members: [String: JSONValue], answers: [String: JSONValue], _ c: inout ProblemCollector) {
        for field in q.fields {
            check(field, members[field.name], answers: answers, into: &c)
        }
        guard q.unknownFields == .reject, members.count > 0 else { return }
        var unknown: [String] = []
        for name in members.keys where !q.fieldNames.contains(name) { unknown.append(name) }
        for name in unknown.sorted() {
            let message = Validator.sentence("'\(Validator.excerpt(name))' is not a field of \(q.name)", suggesting: name, from: q.fields.map(\.name))
            c.report(at: name, .unknownMember, message + " Fields: \(q.fields.map(\.name).joined(separator: ", ")).")
        }
    }

    /// A section map: keys are codes of the question's list (or codes chosen in `sectionsFor`, whose
    /// unknown codes are reported there), each value a section; a section is required for every
    /// declared code chosen in `sectionsFor`; sections for codes not chosen are accepted.
    private func checkSectionMap(_ q: CompiledQuestion, _ members: [String: JSONValue], answers: [String: JSONValue], _ c: inout ProblemCollector) {
        guard let list = q.options else { return }
        let chosen = q.sectionsFor.flatMap { chosenCodes(answers[$0]) }
        func checkEntry(_ key: String, _ value: JSONValue) {
            c.push(key)
            defer { c.pop() }
            guard value != .null else { return }
            guard case .object(let section) = value else {
                return c.report(.typeMismatch, "\(q.name)/\(key) must be a section (a JSON object), found \(Validator.describe(value))")
            }
            checkSection(q, section, answers: answers, &c)
        }
        // Declared codes in list order, then other keys sorted: a deterministic problem order.
        for code in list.codes {
            if let value = members[code] { checkEntry(code, value) }
        }
        var others: [String] = []
        for key in members.keys where !list.contains(key) { others.append(key) }
        for key in others.sorted() {
            if !(chosen?.contains(key) ?? false) {
                let message = Validator.sentence("'\(Validator.excerpt(key))' is not an option of \(list.name), so \(q.name) cannot have a section for it",
                                                 suggesting: key, from: list.codes)
                c.report(at: key, .unknownOption, message)
            }
            checkEntry(key, members[key]!)
        }
        if let chosen, let source = q.sectionsFor {
            var reported: Set<String> = []
            for code in chosen where list.contains(code) && reported.insert(code).inserted {
                if members[code] == nil || members[code] == .null {
                    c.report(at: code, .required, "\(q.name) needs a section for '\(code)', which is chosen in \(source)")
                }
            }
        }
    }

    /// Whether `q.requiredWhen` holds for these answers (never, when the deciding answer is missing or malformed).
    private func conditionHolds(_ q: CompiledQuestion, _ answers: [String: JSONValue]) -> Bool {
        guard let condition = q.requiredWhen, let chosen = chosenCodes(answers[condition.question]) else { return false }
        return chosen.contains(where: condition.includes.contains)
    }

    /// The string codes an option answer holds: a single string, or the strings of an array.
    private func chosenCodes(_ value: JSONValue?) -> [String]? {
        switch value {
        case .string(let code): return [code]
        case .array(let items): return items.compactMap(\.stringValue)
        default: return nil
        }
    }

    /// `base` ended as a sentence, with "did you mean" when `word` is a likely typo of one of `candidates`.
    static func sentence(_ base: String, suggesting word: String, from candidates: [String]) -> String {
        if let near = Spelling.closest(to: word, in: candidates) { return base + "; did you mean '\(near)'?" }
        return base + "."
    }

    static func format(_ number: Double) -> String {
        number.rounded(.towardZero) == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
