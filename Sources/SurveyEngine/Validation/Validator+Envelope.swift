/// The envelope checks: the members around `answers` (ARCHITECTURE.md, "Submission").
extension Validator {
    /// The envelope strings found while checking, by role.
    struct EnvelopeValues {
        var formId: String?
        var formVersion: String?
        var instanceId: String?
        var deprecatedId: String?
        var respondentId: String?
        var submittedAt: String?
        var answers: JSONValue?

        mutating func set(role: Int, _ text: String) {
            switch role {
            case 0: formId = text
            case 1: formVersion = text
            case 2: instanceId = text
            case 3: deprecatedId = text
            case 4: respondentId = text
            default: submittedAt = text
            }
        }

        /// The submission, when every required role was found.
        var submission: Submission? {
            guard let formId, let formVersion, let instanceId, let respondentId, let submittedAt, let answers else { return nil }
            return Submission(
                formId: formId,
                formVersion: formVersion,
                instanceId: instanceId,
                deprecatedId: deprecatedId,
                respondentId: respondentId,
                submittedAt: submittedAt,
                answers: answers
            )
        }
    }

    /// Checks the envelope and, when the form matches, the answers; returns what the envelope holds.
    @discardableResult
    func checkDocument(_ document: JSONValue, into c: inout ProblemCollector) -> EnvelopeValues {
        var found = EnvelopeValues()
        guard case .object(let members) = document else {
            c.report(.typeMismatch, "a submission must be a JSON object, found \(Validator.describe(document))")
            return found
        }
        var formMatches = true
        var present = 0
        // Roles in Envelope.stringMembers order: form_id, form_version, instance_id, deprecated_id, respondent_id, submitted_at.
        for role in envelopeMembers.indices {
            let member = envelopeMembers[role]
            guard let value = members[member.member] else {
                if member.required { c.report(at: member.member, .required, "\(member.member) is required") }
                continue
            }
            present &+= 1
            guard case .string(let text) = value else {
                if value == .null {
                    if member.required { c.report(at: member.member, .required, "\(member.member) is required") }
                } else {
                    c.report(at: member.member, .typeMismatch, "\(member.member) must be a string, found \(Validator.describe(value))")
                }
                continue
            }
            if text.utf8.count > instrument.limits.textCharacters && text.unicodeScalars.count > instrument.limits.textCharacters {
                c.report(at: member.member, .tooLarge, "\(member.member) is longer than \(instrument.limits.textCharacters) characters")
                continue
            }
            if member.required && Validator.isBlank(text) {
                c.report(at: member.member, .required, "\(member.member) must not be empty")
                continue
            }
            if let format = member.format, !TextFormat.matches(text, format) {
                c.report(at: member.member, .invalidFormat, "\(member.member) '\(Validator.excerpt(text))' must be \(TextFormat.describe(format))")
                continue
            }
            if role == 0, text != instrument.formId {
                formMatches = false
                c.report(
                    at: member.member,
                    .unknownForm,
                    "form_id '\(Validator.excerpt(text))' is not this instrument's form id '\(instrument.formId)'"
                )
                continue
            }
            if role == 1, !instrument.declares(version: text) {
                c.report(
                    at: member.member,
                    .unknownForm,
                    "form_version '\(Validator.excerpt(text))' is not declared; declared versions: \(instrument.versions.joined(separator: ", "))"
                )
                continue
            }
            found.set(role: role, text)
        }
        // Names for the rejection even when the envelope is otherwise wrong.
        if found.respondentId == nil { found.respondentId = members[envelopeMembers[4].member]?.stringValue }
        if found.instanceId == nil { found.instanceId = members[envelopeMembers[2].member]?.stringValue }

        let answersName = instrument.envelope.answers.member
        c.push(answersName)
        if let answers = members[answersName], answers != .null {
            present &+= 1
            if case .object(let answerMembers) = answers {
                // Answers of another form would only add noise: its form_id problem says it all.
                if formMatches { checkAnswers(answerMembers, into: &c) }
                found.answers = answers
            } else {
                c.report(.typeMismatch, "\(answersName) must be a JSON object, found \(Validator.describe(answers))")
            }
        } else {
            if members[answersName] != nil { present &+= 1 }
            c.report(.required, "\(answersName) is required")
        }
        c.pop()

        if instrument.envelope.unknownMembers == .reject && present != members.count {
            for name in members.keys.filter({ !envelopeNames.contains($0) }).sorted() {
                c.report(at: name, .unknownMember, "'\(Validator.excerpt(name))' is not an envelope member of \(instrument.formId)")
            }
        }
        return found
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
        // Fast path: most answers start with a visible ASCII character.
        if let first = text.utf8.first, first > 0x20 && first < 0x7F { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}
