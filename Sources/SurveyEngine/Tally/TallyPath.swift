/// A dotted path into a submission, as the tally plan writes it: `answers.care_trend`,
/// `answers.approaches.*.introduced_year` (`*` = every member of an object, or every element
/// of an array).
///
/// The first step names a member of the submission envelope: `answers` (the answers object)
/// or one of `form_id`, `form_version`, `instance_id`, `respondent_id`, `submitted_at`.
public struct TallyPath: Sendable, Hashable, CustomStringConvertible {
    /// The steps, e.g. `["answers", "approaches", "*", "introduced_year"]`.
    public let steps: [String]
    /// `steps[i] == "*"`, worked out once.
    private let wildcards: [Bool]

    /// The path as written, e.g. `answers.approaches.*.introduced_year`.
    public var description: String { steps.joined(separator: ".") }

    /// Whether the path has a `*` step (so it may yield several values).
    public var hasWildcard: Bool { steps.contains("*") }

    /// Parses a dotted path.
    ///
    /// - Parameters:
    ///   - text: Steps separated by single dots, starting with an envelope member, e.g.
    ///     `answers.approaches.*.introduced_year`; `*` stands for every member or element.
    ///   - source: The file named in error messages. Default: `tally plan`.
    /// - Throws: `SurveyDefinitionError` (naming `source`) when the path is empty, has an empty
    ///   step, or does not start with an envelope member.
    public init(_ text: String, source: String = "tally plan") throws(SurveyDefinitionError) {
        let steps = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, !steps.contains(where: \.isEmpty) else {
            throw SurveyDefinitionError(
                file: source,
                message: "the path '\(text)' has an empty step; write steps separated by single dots, e.g. answers.care_trend"
            )
        }
        guard let first = steps.first, Self.envelopeMembers.contains(first) else {
            throw SurveyDefinitionError(
                file: source,
                message: "the path '\(text)' must start with one of \(Self.envelopeMembers.sorted().joined(separator: ", "))"
            )
        }
        self.steps = steps
        self.wildcards = steps.map { $0 == "*" }
    }

    static let envelopeMembers: Set<String> = ["answers", "form_id", "form_version", "instance_id", "respondent_id", "submitted_at"]

    /// Every value the path reaches in `submission`, in a stable order (object members by
    /// key). Missing steps yield nothing; a path without `*` yields at most one value.
    ///
    /// - Parameter submission: The submission to read; a named step never indexes into an array.
    /// - Returns: The values reached, `null` values included; empty when a step is missing.
    public func values(in submission: Submission) -> [JSONValue] {
        var current = [root(in: submission)]
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

    /// Calls `body` with every value the path reaches in `submission`, in no stated order among
    /// an object's members: the same values as `values(in:)` without collecting or sorting them,
    /// for readers to whom the order does not matter (sets of codes, a minimum, "any").
    ///
    /// - Parameters:
    ///   - submission: The submission to read.
    ///   - body: Called once per value reached, synchronously; not called when nothing is reached.
    public func forEachValue(in submission: Submission, _ body: (JSONValue) -> Void) {
        visit(root(in: submission), step: 1, body)
    }

    /// The envelope member the first step names.
    private func root(in submission: Submission) -> JSONValue {
        switch steps[0] {
        case "answers": submission.answers
        case "form_id": .string(submission.formId)
        case "form_version": .string(submission.formVersion)
        case "instance_id": .string(submission.instanceId)
        case "respondent_id": .string(submission.respondentId)
        default: .string(submission.submittedAt)
        }
    }

    private func visit(_ value: JSONValue, step index: Int, _ body: (JSONValue) -> Void) {
        guard index < steps.count else { return body(value) }
        switch value {
        case .object(let members):
            if wildcards[index] {
                for (_, member) in members { visit(member, step: index + 1, body) }
            } else if let member = members[steps[index]] {
                visit(member, step: index + 1, body)
            }
        case .array(let elements) where wildcards[index]:
            for element in elements { visit(element, step: index + 1, body) }
        default:
            return
        }
    }

    /// Whether any value the path reaches is a text with something other than white space:
    /// the "answered" test for free-text questions.
    ///
    /// - Parameter submission: The submission to read.
    /// - Returns: True when at least one reached string has a non-white-space character; numbers and other
    ///   non-strings never count.
    public func hasText(in submission: Submission) -> Bool {
        var found = false
        forEachValue(in: submission) { value in
            guard !found, case .string(let text) = value else { return }
            found = text.unicodeScalars.contains { !$0.properties.isWhitespace }
        }
        return found
    }
}
