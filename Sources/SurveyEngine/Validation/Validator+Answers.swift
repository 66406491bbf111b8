/// The answer checks: each question of the instrument against `answers`, collecting every problem.
///
/// Hot path: a valid submission hashes each member name about once and allocates nothing here;
/// sorting and message building happen only when there is a problem to report.
extension Validator {
    func checkAnswers(_ answers: JSONObject, into c: inout ProblemCollector) {
        var present = 0
        for q in questions {
            let value = answers[q.name]
            if value != nil { present &+= 1 }
            check(q, value, answers: answers, into: &c)
        }
        if instrument.unknownAnswers == .reject && present != answers.count {
            reportUnknown(
                in: answers,
                declared: questionNames,
                what: "a question of \(instrument.formId)",
                candidates: instrument.questions.map(\.name),
                into: &c
            )
        }
    }

    /// Checks one question or section field; `value` is its member, `answers` the top-level answers for conditions.
    func check(_ q: CompiledQuestion, _ value: JSONValue?, answers: JSONObject, into c: inout ProblemCollector) {
        c.push(q.name)
        defer { c.pop() }
        guard let value, value != .null else {
            if q.required {
                c.report(.required, "\(q.name) is required")
            } else if let condition = q.requiredWhen, conditionHolds(condition, answers) {
                c.report(.required, "\(q.name) is required when \(condition.question) includes \(condition.includes.joined(separator: " or "))")
            }
            return
        }
        switch q.type {
        case .text:
            guard case .string(let text) = value else { return mismatch(q, "text (a JSON string)", value, &c) }
            if text.utf8.count > q.maxLength {
                let characters = text.unicodeScalars.count
                if characters > q.maxLength {
                    c.report(.tooLarge, "\(q.name) has \(characters) characters; the limit is \(q.maxLength)")
                }
            } else if (q.required || q.requiredWhen.map { conditionHolds($0, answers) } == true) && Validator.isBlank(text) {
                c.report(.required, "\(q.name) is required and must not be blank")
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
        c.report(
            .unknownOption,
            Validator.sentence("'\(Validator.excerpt(code))' is not an option of \(q.name)", suggesting: code, from: list.codes)
                + " Options: \(list.codes.joined(separator: ", "))."
        )
    }

    private func checkItems(_ q: CompiledQuestion, _ items: [JSONValue], _ c: inout ProblemCollector) {
        // Repeats: a linear look-back for the usual short answer, a set beyond that (no quadratic cost).
        var seen: Set<String>? = q.distinct && items.count > 16 ? Set(minimumCapacity: items.count) : nil
        for index in items.indices {
            guard case .string(let code) = items[index] else {
                c.push(index)
                c.report(.typeMismatch, "each item of \(q.name) must be an option code (a JSON string), found \(Validator.describe(items[index]))")
                c.pop()
                continue
            }
            let known = q.options?.contains(code) ?? true
            let repeated: Bool
            if seen != nil {
                repeated = !seen!.insert(code).inserted
            } else {
                repeated = q.distinct && items[..<index].contains(.string(code))
            }
            guard !known || repeated else { continue }
            c.push(index)
            if !known { checkOption(q, code, &c) }
            if repeated { c.report(.duplicateItem, "'\(Validator.excerpt(code))' is chosen more than once in \(q.name)") }
            c.pop()
        }
        if let maxItems = q.maxItems, items.count > maxItems {
            c.report(.tooManyItems, "\(q.name) has \(items.count) items; choose at most \(maxItems)")
        }
        if let minItems = q.minItems, items.count < minItems {
            c.report(.tooFewItems, "\(q.name) has \(items.count) items; choose at least \(minItems)")
        }
    }

    private func checkSection(_ q: CompiledQuestion, _ members: JSONObject, answers: JSONObject, _ c: inout ProblemCollector) {
        var present = 0
        for field in q.fields {
            let value = members[field.name]
            if value != nil { present &+= 1 }
            check(field, value, answers: answers, into: &c)
        }
        if q.unknownFields == .reject && present != members.count {
            reportUnknown(in: members, declared: q.fieldNames, what: "a field of \(q.name)", candidates: q.fields.map(\.name), into: &c)
        }
    }

    /// Reports every member of `members` not in `declared`, sorted by name.
    private func reportUnknown(
        in members: JSONObject,
        declared: Set<String>,
        what: String,
        candidates: [String],
        into c: inout ProblemCollector
    ) {
        for name in members.keys.filter({ !declared.contains($0) }).sorted() {
            c.report(
                at: name,
                .unknownMember,
                Validator.sentence("'\(Validator.excerpt(name))' is not \(what)", suggesting: name, from: candidates)
                    + " Declared: \(candidates.joined(separator: ", "))."
            )
        }
    }

    /// A section map: keys are codes of the question's list (or codes chosen in `sectionsFor`, whose
    /// unknown codes are reported there), each value a section; a section is required for every
    /// declared code chosen in `sectionsFor`; sections for codes not chosen are accepted.
    private func checkSectionMap(_ q: CompiledQuestion, _ members: JSONObject, answers: JSONObject, _ c: inout ProblemCollector) {
        guard let list = q.options else { return }
        let chosen: [JSONValue]? = q.sectionsFor.flatMap { source in
            switch answers[source] {
            case .array(let items): items
            case .string(let code): [.string(code)]
            default: nil
            }
        }
        // Entries are checked in dictionary order; if any reports a problem, the map's problems
        // are put in list order (unknown keys last, by name) so output is deterministic.
        let start = c.problems.count
        var unordered = false
        for (key, value) in members {
            let before = c.problems.count
            c.push(key)
            if !list.contains(key) && !(chosen?.contains(.string(key)) ?? false) {
                c.report(
                    .unknownOption,
                    Validator.sentence(
                        "'\(Validator.excerpt(key))' is not an option of \(list.name), so \(q.name) cannot have a section for it",
                        suggesting: key,
                        from: list.codes
                    )
                )
            }
            if case .object(let section) = value {
                checkSection(q, section, answers: answers, &c)
            } else if value != .null {
                c.report(.typeMismatch, "\(q.name)/\(key) must be a section (a JSON object), found \(Validator.describe(value))")
            }
            c.pop()
            if c.problems.count != before { unordered = true }
        }
        if unordered {
            let prefix = c.pointer + "/"
            c.reorderProblems(from: start) { problem in
                let token = problem.pointer.dropFirst(prefix.count).prefix { $0 != "/" }
                let key = JSONPointer.tokens("/" + token)?.first ?? String(token)
                return (list.position(of: key) ?? list.codes.count, key)
            }
        }
        if let chosen, let source = q.sectionsFor {
            for index in chosen.indices {
                guard case .string(let code) = chosen[index], list.contains(code), !chosen[..<index].contains(chosen[index]) else { continue }
                if members[code] == nil || members[code] == .null {
                    c.report(at: code, .required, "\(q.name) needs a section for '\(code)', which is chosen in \(source)")
                }
            }
        }
    }

    /// Whether `condition` holds for these answers (never, when the deciding answer is missing or malformed).
    private func conditionHolds(_ condition: (question: String, includes: [String]), _ answers: JSONObject) -> Bool {
        switch answers[condition.question] {
        case .string(let code): return condition.includes.contains(code)
        case .array(let items): return items.contains { item in item.stringValue.map(condition.includes.contains) ?? false }
        default: return false
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
