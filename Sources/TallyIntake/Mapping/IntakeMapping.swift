import Foundation
import SurveyEngine
import Yams

/// How one survey's submissions from KoboToolbox and ODK become FieldTally submissions:
/// `Schemas/<survey>/intake.yaml` (format in `Schemas/INTAKE.md`).
///
/// Each envelope member (form id and version, instance id, deprecated id, respondent id,
/// submission time) is read from the first of its platform paths that holds a value, and each
/// answer from its path, converted by its ``AnswerType``. Nothing is checked here beyond
/// reading: the mapped submission goes to `survey.submissions` and `tally-validate` judges it,
/// so a submission missing a member ends in `survey.rejected` with the validator's problems.
public struct IntakeMapping: Sendable {
    /// The file name inside a survey folder.
    public static let fileName = "intake.yaml"

    /// One envelope member and where to find it.
    public struct EnvelopeRule: Sendable {
        /// The member written, as the instrument's envelope names it (e.g. `instance_id`).
        public var member: String
        /// Platform paths tried in order; the first that holds a value wins.
        public var paths: [FieldPath]
        /// Whether the instrument requires the member: a submission without it is unmappable.
        public var required: Bool
    }

    /// One answer (or, with `*`, a family of answers) and where to find it.
    public struct AnswerRule: Sendable {
        /// Where the answer goes below the envelope's `answers` member.
        public var answer: FieldPath
        /// The platform path it is read from (default: the same as ``answer``); its `*` steps
        /// fill ``answer``'s, in order.
        public var path: FieldPath
        /// How the platform's text is converted.
        public var type: AnswerType
    }

    /// The form this mapping serves: the instrument's id, which the `{form}` of
    /// `/v1/kobo/{form}` and `/v1/odk/{form}` names.
    public let formId: String
    /// The envelope members, in the order they are written.
    public let envelope: [EnvelopeRule]
    /// The envelope member holding the answers (the instrument's `answers` member).
    public let answersMember: String
    /// The answer rules, in file order.
    public let answers: [AnswerRule]
    /// Which envelope member holds the respondent id (it keys the record).
    let respondentMember: String
    /// Which envelope member holds the instance id.
    let instanceMember: String

    /// Reads `<survey folder>/intake.yaml` for `survey`.
    /// - Parameter survey: the loaded survey (its folder and its instrument's envelope names).
    /// - Throws: `SurveyDefinitionError` naming the file and what is wrong in it.
    public init(survey: SurveyDefinition) throws(SurveyDefinitionError) {
        let path = (survey.directory as NSString).appendingPathComponent(Self.fileName)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SurveyDefinitionError(file: path, message: "cannot be read: tally-intake needs the survey's intake mapping (Schemas/INTAKE.md)")
        }
        try self.init(yaml: text, file: path, formId: survey.instrument.formId, envelope: survey.instrument.envelope)
    }

    /// Parses an `intake.yaml` text.
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - file: its path, for error messages.
    ///   - formId: the instrument's form id.
    ///   - envelope: the instrument's envelope (the member names written).
    /// - Throws: `SurveyDefinitionError` naming what is wrong.
    public init(yaml: String, file: String, formId: String, envelope: Envelope) throws(SurveyDefinitionError) {
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: file, message: message) }
        let root: Yams.Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw fail("is empty") }
            root = node
        } catch let error as SurveyDefinitionError {
            throw error
        } catch {
            throw fail("is not valid YAML: \(error)")
        }
        guard let top = root.mapping else { throw fail("must be a mapping with envelope: and answers:") }
        for key in top.keys.compactMap(\.string) where !["envelope", "answers"].contains(key) {
            throw fail("has an unknown section '\(key)' (known: envelope, answers)")
        }
        let members: [(name: String, member: Envelope.Member)] = [
            ("form_id", envelope.formId), ("form_version", envelope.formVersion), ("instance_id", envelope.instanceId),
            ("deprecated_id", envelope.deprecatedId), ("respondent_id", envelope.respondentId), ("submitted_at", envelope.submittedAt),
        ]
        guard let envelopeNode = top["envelope"]?.mapping else { throw fail("needs an envelope: mapping (form_id, instance_id, …)") }
        var rules: [EnvelopeRule] = []
        for key in envelopeNode.keys.compactMap(\.string) where !members.contains(where: { $0.name == key }) {
            throw fail("envelope: '\(key)' is not one of \(members.map(\.name).joined(separator: ", "))")
        }
        for (name, member) in members {
            guard let node = envelopeNode[name] else {
                if name == "deprecated_id" { continue }
                throw fail("envelope: \(name) needs the platform paths it is read from")
            }
            let paths = (node.sequence.map { Array($0) } ?? [node]).compactMap(\.string).map(FieldPath.init)
            guard !paths.isEmpty, paths.allSatisfy({ !$0.steps.isEmpty && $0.wildcardCount == 0 }) else {
                throw fail("envelope: \(name) must be a path or a list of paths without '*'")
            }
            rules.append(EnvelopeRule(member: member.member, paths: paths, required: member.required))
        }
        guard let answersNode = top["answers"]?.mapping, !answersNode.isEmpty else {
            throw fail("needs an answers: mapping (answer path → { path, type })")
        }
        var answerRules: [AnswerRule] = []
        for (keyNode, valueNode) in answersNode {
            guard let key = keyNode.string else { throw fail("answers: every key must be an answer path") }
            let answer = FieldPath(key)
            let settings = valueNode.mapping
            guard settings != nil || valueNode.null != nil else { throw fail("answers: \(key) must be a mapping ({} for the defaults)") }
            for name in settings?.keys.compactMap(\.string) ?? [] where !["path", "type"].contains(name) {
                throw fail("answers: \(key) has an unknown setting '\(name)' (known: path, type)")
            }
            let path = settings?["path"]?.string.map(FieldPath.init) ?? answer
            guard path.wildcardCount == answer.wildcardCount else {
                throw fail("answers: \(key) and its path \(path) must have the same number of '*' steps")
            }
            var type = AnswerType.text
            if let raw = settings?["type"]?.string {
                guard let parsed = AnswerType(rawValue: raw) else {
                    throw fail("answers: \(key) has type '\(raw)'; known: \(AnswerType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                type = parsed
            }
            answerRules.append(AnswerRule(answer: answer, path: path, type: type))
        }
        self.formId = formId
        self.envelope = rules
        self.answersMember = envelope.answers.member
        self.answers = answerRules
        self.respondentMember = envelope.respondentId.member
        self.instanceMember = envelope.instanceId.member
    }

    /// Maps a platform submission to a FieldTally submission.
    ///
    /// A member or answer the document does not hold is left out (the validator reports what
    /// was required); `answers` is left out when no answer was found.
    /// - Parameter document: the platform's submission, flattened.
    public func map(_ document: PlatformDocument) -> MappedSubmission {
        var object = JSONObject()
        for rule in envelope {
            if let value = rule.paths.lazy.compactMap({ document.value(at: $0) }).first { object[rule.member] = value }
        }
        var answerTree = JSONObject()
        var answered = false
        for leaf in document.leaves {
            for rule in answers {
                guard let names = rule.path.match(leaf.path) else { continue }
                Self.insert(rule.type.convert(leaf.value), at: rule.answer.filling(names)[...], into: &answerTree)
                answered = true
                break
            }
        }
        if answered { object[answersMember] = .object(answerTree) }
        var missing = envelope.filter { $0.required && object[$0.member] == nil }.map(\.member)
        if !answered { missing.append(answersMember) }
        return MappedSubmission(envelope: .object(object), missing: missing, respondentMember: respondentMember, instanceMember: instanceMember)
    }

    /// Sets `value` at `path` below `object`, making the objects on the way.
    private static func insert(_ value: JSONValue, at path: ArraySlice<Substring>, into object: inout JSONObject) {
        guard let first = path.first else { return }
        let name = String(first)
        if path.count == 1 {
            object[name] = value
            return
        }
        var child = object[name]?.objectValue ?? JSONObject()
        insert(value, at: path.dropFirst(), into: &child)
        object[name] = .object(child)
    }
}
