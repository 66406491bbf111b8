/// A dotted path into a submission, as the tally plan writes it: `answers.care_trend`,
/// `answers.approaches.*.introduced_year` (`*` = every member of an object, or every element
/// of an array).
///
/// The first step names a member of the submission envelope: `answers` (the answers object)
/// or one of `form_id`, `form_version`, `instance_id`, `respondent_id`, `submitted_at`.
public struct TallyPath: Sendable, Hashable, CustomStringConvertible {
    /// The steps, e.g. `["answers", "approaches", "*", "introduced_year"]`.
    public let steps: [String]

    /// The path as written, e.g. `answers.approaches.*.introduced_year`.
    public var description: String { steps.joined(separator: ".") }

    /// Whether the path has a `*` step (so it may yield several values).
    public var hasWildcard: Bool { steps.contains("*") }

    /// Parses a dotted path.
    /// - Throws: `SurveyDefinitionError` (naming `source`) when the path is empty, has an empty
    ///   step, or does not start with an envelope member.
    public init(_ text: String, source: String = "tally plan") throws(SurveyDefinitionError) {
        let steps = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, !steps.contains(where: \.isEmpty) else {
            throw SurveyDefinitionError(file: source, message: "the path '\(text)' has an empty step; write steps separated by single dots, e.g. answers.care_trend")
        }
        guard let first = steps.first, Self.envelopeMembers.contains(first) else {
            throw SurveyDefinitionError(file: source, message: "the path '\(text)' must start with one of \(Self.envelopeMembers.sorted().joined(separator: ", "))")
        }
        self.steps = steps
    }

    static let envelopeMembers: Set<String> = ["answers", "form_id", "form_version", "instance_id", "respondent_id", "submitted_at"]

    /// Every value the path reaches in `submission`, in a stable order (object members by
    /// key). Missing steps yield nothing; a path without `*` yields at most one value.
    public func values(in submission: Submission) -> [JSONValue] {
        let root: JSONValue
        switch steps[0] {
        case "answers": root = submission.answers
        case "form_id": root = .string(submission.formId)
        case "form_version": root = .string(submission.formVersion)
        case "instance_id": root = .string(submission.instanceId)
        case "respondent_id": root = .string(submission.respondentId)
        default: root = .string(submission.submittedAt)
        }
        var current = [root]
        for step in steps.dropFirst() {
            var next: [JSONValue] = []
            for value in current {
                switch (step, value) {
                case ("*", .object(let members)):
                    next.append(contentsOf: members.keys.sorted().compactMap { members[$0] })
                case ("*", .array(let elements)):
                    next.append(contentsOf: elements)
                case (_, .object(let members)):
                    if let member = members[step] { next.append(member) }
                default:
                    break
                }
            }
            current = next
        }
        return current
    }

    /// Whether any value the path reaches is a text with something other than white space:
    /// the "answered" test for free-text questions.
    public func hasText(in submission: Submission) -> Bool {
        values(in: submission).contains { value in
            guard case .string(let text) = value else { return false }
            return text.unicodeScalars.contains { !$0.properties.isWhitespace }
        }
    }
}
