/// Suggestions for misspelt names in survey definition files ("did you mean …?").
enum Spelling {
    /// The candidate nearest to `word` by edit distance, when it is close enough to be a likely typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        // Typos are short; this also bounds the work a hostile message can cause.
        guard word.utf8.count <= 80 else { return nil }
        let limit = max(2, word.count / 2)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= limit && d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Edit distance (the coder's: Levenshtein plus swaps of neighbouring letters).
    static func distance(_ a: String, _ b: String) -> Int { EditDistance.between(a, b) }
}
