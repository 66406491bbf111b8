/// Where a coded field's text lives in a submission: a dotted path from the submission root
/// (`answers.approaches.whole_system.description`), where a `*` step matches every member of
/// an object (`answers.approaches.*.evidence`). ``SourceTree`` finds the texts.
struct SourcePath: Sendable, Hashable {
    /// The path as written in the codebook.
    let text: String
    /// Steps below `answers` (`*` for a wildcard).
    let steps: [String]

    /// Parses a path.
    /// - Throws: `SurveyDefinitionError` when the path does not start with `answers.`, has an
    ///   empty step, or uses `*` inside a step.
    init(_ text: String, context: String) throws(SurveyDefinitionError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == "answers" else {
            throw SurveyDefinitionError(
                file: "codebook",
                message: "\(context) '\(text)': a source path starts at the "
                    + "submission root with 'answers.', e.g. answers.approaches.whole_system.description"
            )
        }
        if parts.contains(where: \.isEmpty) {
            throw SurveyDefinitionError(
                file: "codebook",
                message: "\(context) '\(text)': a source path has no empty steps (check for '..' or a trailing '.')"
            )
        }
        if let bad = parts.first(where: { $0 != "*" && $0.contains("*") }) {
            throw SurveyDefinitionError(
                file: "codebook",
                message: "\(context) '\(text)': '\(bad)' — a wildcard is a whole step: write answers.approaches.*.evidence"
            )
        }
        self.text = text
        self.steps = Array(parts.dropFirst())
    }

    /// The concrete path for the wildcard members `keys` ("answers.approaches.early_help.evidence").
    func concrete(_ keys: ArraySlice<String>) -> String {
        if keys.isEmpty { return text }
        var length = "answers".utf8.count
        var next = keys.startIndex
        for step in steps {
            if step == "*", next < keys.endIndex {
                length += 1 + keys[next].utf8.count
                next += 1
            } else {
                length += 1 + step.utf8.count
            }
        }
        var path = "answers"
        path.reserveCapacity(length)
        next = keys.startIndex
        for step in steps {
            path.append(".")
            if step == "*", next < keys.endIndex {
                path.append(keys[next])
                next += 1
            } else {
                path.append(step)
            }
        }
        return path
    }
}
