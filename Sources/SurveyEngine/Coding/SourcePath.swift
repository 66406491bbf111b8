/// Where a coded field's text lives in a submission: a dotted path from the submission root
/// (`answers.approaches.whole_system.description`), where a `*` step matches every member of
/// an object (`answers.approaches.*.evidence`, members visited in sorted key order).
struct SourcePath: Sendable, Hashable {
    /// The path as written in the codebook.
    let text: String
    /// Steps below `answers`.
    private let steps: [String]
    private let hasWildcard: Bool

    /// Parses a path.
    /// - Throws: `SurveyDefinitionError` when the path does not start with `answers.`, has an
    ///   empty step, or uses `*` inside a step.
    init(_ text: String, context: String) throws(SurveyDefinitionError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == "answers" else {
            throw SurveyDefinitionError(file: "codebook", message: "\(context) '\(text)': a source path starts at the "
                + "submission root with 'answers.', e.g. answers.approaches.whole_system.description")
        }
        if parts.contains(where: \.isEmpty) {
            throw SurveyDefinitionError(file: "codebook", message: "\(context) '\(text)': a source path has no empty steps (check for '..' or a trailing '.')")
        }
        if let bad = parts.first(where: { $0 != "*" && $0.contains("*") }) {
            throw SurveyDefinitionError(file: "codebook", message: "\(context) '\(text)': '\(bad)' — a wildcard is a whole step: write answers.approaches.*.evidence")
        }
        self.text = text
        self.steps = Array(parts.dropFirst())
        self.hasWildcard = parts.contains("*")
    }

    /// Calls `body(path, text)` for every string this path reaches in the `answers` object.
    /// Non-string values are skipped; `path` names the concrete member (wildcards filled in).
    func forEachText(in answers: JSONValue, _ body: (String, String) -> Void) {
        if !hasWildcard {
            var value: JSONValue? = answers
            for step in steps { value = value?[step] }
            if case .string(let s)? = value { body(text, s) }
            return
        }
        visit(answers, from: 0, path: "answers", body)
    }

    private func visit(_ value: JSONValue, from index: Int, path: String, _ body: (String, String) -> Void) {
        if index == steps.count {
            if case .string(let s) = value { body(path, s) }
            return
        }
        let step = steps[index]
        if step == "*" {
            guard case .object(let members) = value else { return }
            for key in members.keys.sorted() { visit(members[key]!, from: index + 1, path: path + "." + key, body) }
        } else if let next = value[step] {
            visit(next, from: index + 1, path: path + "." + step, body)
        }
    }
}
