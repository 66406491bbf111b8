/// Collects every problem of one message, with the JSON pointer of where the check currently is.
///
/// The pointer is kept as a token stack and turned into text only when a problem is reported,
/// so a valid message builds no pointer strings.
struct ProblemCollector {
    private(set) var problems: [Problem] = []
    private var tokens: [String] = []

    init() {
        tokens.reserveCapacity(8)
    }

    mutating func push(_ token: String) { tokens.append(token) }
    mutating func push(_ index: Int) { tokens.append(String(index)) }
    mutating func pop() { tokens.removeLast() }

    /// The RFC 6901 pointer of the current position.
    var pointer: String { JSONPointer.make(tokens) }

    /// The current member name (the last token), for messages.
    var name: String { tokens.last ?? "the submission" }

    /// Reports a problem at the current position.
    mutating func report(_ code: ProblemCode, _ message: String) {
        problems.append(Problem(pointer: pointer, code: code, message: message))
    }

    /// Reports a problem at the current position extended by `token`.
    mutating func report(at token: String, _ code: ProblemCode, _ message: String) {
        push(token)
        report(code, message)
        pop()
    }
}

extension ProblemCollector {
    /// Stable-sorts the problems from `start` on by `key`, for a deterministic order after an unordered walk.
    mutating func reorderProblems(from start: Int, by key: (Problem) -> (Int, String)) {
        let tail = problems[start...].enumerated().sorted { a, b in
            let ka = key(a.element), kb = key(b.element)
            if ka != kb { return ka < kb }
            return a.offset < b.offset
        }.map(\.element)
        problems.replaceSubrange(start..., with: tail)
    }
}
