/// The envelope checks: the members around `answers` (DESIGN.md, "Submission").
extension Validator {
    func checkDocument(_ document: JSONValue, into c: inout ProblemCollector) {
        guard case .object(let members) = document else {
            c.report(.typeMismatch, "a submission must be a JSON object, found \(Validator.describe(document))")
            return
        }
        let e = instrument.envelope
        var formMatches = true
        for member in e.stringMembers {
            c.push(member.member)
            defer { c.pop() }
            guard let value = members[member.member], value != .null else {
                if member.required { c.report(.required, "\(member.member) is required") }
                continue
            }
            guard case .string(let text) = value else {
                c.report(.typeMismatch, "\(member.member) must be a string, found \(Validator.describe(value))")
                continue
            }
            if text.utf8.count > instrument.limits.textCharacters && text.unicodeScalars.count > instrument.limits.textCharacters {
                c.report(.tooLarge, "\(member.member) is longer than \(instrument.limits.textCharacters) characters")
                continue
            }
            if member.required && Validator.isBlank(text) {
                c.report(.required, "\(member.member) must not be empty")
                continue
            }
            if let format = member.format, !TextFormat.matches(text, format) {
                c.report(.invalidFormat, "\(member.member) '\(Validator.excerpt(text))' must be \(TextFormat.describe(format))")
                continue
            }
            if member.member == e.formId.member, text != instrument.formId {
                formMatches = false
                c.report(.unknownForm, "form_id '\(Validator.excerpt(text))' is not this instrument's form id '\(instrument.formId)'")
            } else if member.member == e.formVersion.member, !instrument.declares(version: text) {
                c.report(.unknownForm, "form_version '\(Validator.excerpt(text))' is not declared; declared versions: \(instrument.versions.joined(separator: ", "))")
            }
        }

        c.push(e.answers.member)
        if let answers = members[e.answers.member], answers != .null {
            if case .object(let answerMembers) = answers {
                // Answers of another form would only add noise: its form_id problem says it all.
                if formMatches { checkAnswers(answerMembers, into: &c) }
            } else {
                c.report(.typeMismatch, "\(e.answers.member) must be a JSON object, found \(Validator.describe(answers))")
            }
        } else {
            c.report(.required, "\(e.answers.member) is required")
        }
        c.pop()

        if e.unknownMembers == .reject {
            for name in members.keys.sorted() where !envelopeNames.contains(name) {
                c.report(at: name, .unknownMember, "'\(Validator.excerpt(name))' is not an envelope member of \(instrument.formId)")
            }
        }
    }

    /// `a string`, `a number`, …: a JSON value's kind for messages.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "true/false"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// At most 60 characters of `text`, for quoting user input in messages.
    static func excerpt(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }

    /// Whether `text` is empty or only whitespace.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}
