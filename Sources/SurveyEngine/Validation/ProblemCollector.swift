/// Collects every problem of one message, with the JSON pointer of where the check currently is.
///
/// The pointer is kept as a token stack and turned into text only when a problem is reported,
/// so a valid message builds no pointer strings.
struct ProblemCollector {
    private(set) var problems: [Problem] = []
    /// The most problems kept; hostile input (say, 100,000 unknown codes) must not make a huge dead letter.
    let limit: Int
    /// Problems found beyond `limit`.
    private(set) var dropped = 0
    // The first levels live inline so a valid message allocates nothing for its path.
    private var t0 = "", t1 = "", t2 = "", t3 = "", t4 = "", t5 = ""
    private var deeper: [String] = []
    private var depth = 0

    init(limit: Int = 100) {
        self.limit = limit
    }

    mutating func push(_ token: String) {
        switch depth {
        case 0: t0 = token
        case 1: t1 = token
        case 2: t2 = token
        case 3: t3 = token
        case 4: t4 = token
        case 5: t5 = token
        default: deeper.append(token)
        }
        depth &+= 1
    }

    mutating func push(_ index: Int) { push(String(index)) }

    mutating func pop() {
        depth &-= 1
        if depth >= 6 { deeper.removeLast() }
    }

    /// The reference tokens of the current position.
    var tokens: [String] { Array([t0, t1, t2, t3, t4, t5].prefix(depth)) + deeper }

    /// The RFC 6901 pointer of the current position.
    var pointer: String { JSONPointer.make(tokens) }

    /// Reports a problem at the current position.
    mutating func report(_ code: ProblemCode, _ message: @autoclosure () -> String) {
        guard problems.count < limit else {
            dropped &+= 1
            return
        }
        problems.append(Problem(pointer: pointer, code: code, message: message()))
    }

    /// The problems, the last one saying how many more were found but not listed.
    var reported: [Problem] {
        guard dropped > 0, var last = problems.last else { return problems }
        last.message += " (\(dropped) further problems were found and not listed)"
        return problems.dropLast() + [last]
    }

    /// Reports a problem at the current position extended by `token`.
    mutating func report(at token: String, _ code: ProblemCode, _ message: @autoclosure () -> String) {
        push(token)
        report(code, message())
        pop()
    }
}

extension ProblemCollector {
    /// Stable-sorts the problems from `start` on by `key`, for a deterministic order after an unordered walk.
    mutating func reorderProblems(from start: Int, by key: (Problem) -> (Int, String)) {
        let tail = problems[start...].enumerated().sorted { a, b in
            let ka = key(a.element)
            let kb = key(b.element)
            if ka != kb { return ka < kb }
            return a.offset < b.offset
        }.map(\.element)
        problems.replaceSubrange(start..., with: tail)
    }
}
