/// One element of a compiled phrase.
enum PatternElement: Hashable {
    /// A lexicon word; `tolerant` lets a misspelling match.
    case word(Int32, tolerant: Bool)
    /// A concept word: matches like a tolerant word, and also any word with the same stem.
    case stemmed(Int32)
    /// Any number (digits or number word) in `low...high`.
    case number(low: Double, high: Double)
    /// Between `min` and `max` arbitrary words (never across a sentence break).
    case gap(min: Int, max: Int)
}

/// Where a pattern matched: entry id and the token range `start..<end`.
struct RawMatch: Hashable {
    var entry: Int32
    var start: Int32
    var end: Int32

    /// Orders by entry, then start, then end (one integer comparison).
    @inline(__always)
    var entryOrder: UInt64 { UInt64(UInt32(entry)) << 42 | UInt64(UInt32(start)) << 21 | UInt64(UInt32(end)) }

    /// Orders by start, then longest first, then entry.
    @inline(__always)
    var textOrder: UInt64 { UInt64(UInt32(start)) << 42 | UInt64(0x1F_FFFF - UInt32(end)) << 21 | UInt64(UInt32(entry)) }
}

/// All patterns of one coded field (rules, exclusions, negation cues, number guards) in one
/// trie over lexicon ids, so a text is matched against every pattern in a single pass.
///
/// Flat arrays, no per-node allocation; the root is dispatched by word id.
final class PhraseTrie: Sendable {
    struct Edge: Sendable {
        enum Kind: UInt8, Sendable { case exact, tolerant, stemmed, number, gap }
        var kind: Kind
        var word: Int32
        var low: Double
        var high: Double
        var next: Int32
    }

    /// Where a node's edges and terminals start (the next node's entry says where they end).
    struct Node: Sendable {
        var edgeStart: Int32
        var terminalStart: Int32
    }

    /// An edge as walked: 12 bytes, so a node's edges share cache lines. `word` is the lexicon id
    /// of a word edge, or the index into ``bounds`` of a number or gap edge.
    struct CompactEdge: Sendable {
        var kind: Edge.Kind
        var word: Int32
        var next: Int32
    }

    /// One entry per node plus a closing one.
    private let nodes: [Node]
    private let edges: [CompactEdge]
    private let bounds: [(low: Double, high: Double)]
    private let terminals: [Int32]
    /// Per lexicon id, the nodes a text word with that id leads to from the root:
    /// `knownNext[knownStart[id]..<knownStart[id + 1]]`, its own word edges then the tolerant
    /// edges of the words it may be a misspelling of (the lexicon's neighbours).
    private let knownStart: [Int32]
    private let knownNext: [Int32]
    /// Per lexicon id, the nodes its tolerant root edges lead to (for unknown words that may be
    /// a misspelling of it): `tolerantNext[tolerantStart[id]..<tolerantStart[id + 1]]`.
    private let tolerantStart: [Int32]
    private let tolerantNext: [Int32]
    /// Per stem id, the nodes the stemmed root edges of words with that stem lead to (for unknown
    /// words with that stem): `stemNext[stemStart[stem]..<stemStart[stem + 1]]`.
    private let stemStart: [Int32]
    private let stemNext: [Int32]
    private let rootNumberEdges: [Edge]

    /// Builds the trie. `patterns` pairs each element list with its entry id; lists never start
    /// or end with a gap (the compiler checks).
    init(patterns: [(elements: [PatternElement], entry: Int32)], lexicon: Lexicon) {
        let wordCount = lexicon.count
        var nodeEdges: [[Edge]] = [[]]
        var nodeTerminals: [[Int32]] = [[]]
        for (elements, entry) in patterns {
            var node = 0
            for element in elements {
                let probe: Edge
                switch element {
                case .word(let id, let tolerant):
                    probe = Edge(kind: tolerant ? .tolerant : .exact, word: id, low: 0, high: 0, next: -1)
                case .stemmed(let id):
                    probe = Edge(kind: .stemmed, word: id, low: 0, high: 0, next: -1)
                case .number(let low, let high):
                    probe = Edge(kind: .number, word: -1, low: low, high: high, next: -1)
                case .gap(let min, let max):
                    probe = Edge(kind: .gap, word: -1, low: Double(min), high: Double(max), next: -1)
                }
                if let existing = nodeEdges[node].first(where: {
                    $0.kind == probe.kind && $0.word == probe.word && $0.low == probe.low && $0.high == probe.high
                }) {
                    node = Int(existing.next)
                } else {
                    var edge = probe
                    edge.next = Int32(nodeEdges.count)
                    nodeEdges.append([])
                    nodeTerminals.append([])
                    nodeEdges[node].append(edge)
                    node = Int(edge.next)
                }
            }
            if !nodeTerminals[node].contains(entry) { nodeTerminals[node].append(entry) }
        }
        var nodes: [Node] = []
        var edges: [CompactEdge] = []
        var bounds: [(low: Double, high: Double)] = []
        var terminals: [Int32] = []
        for (outgoing, ends) in zip(nodeEdges, nodeTerminals) {
            nodes.append(Node(edgeStart: Int32(edges.count), terminalStart: Int32(terminals.count)))
            for edge in outgoing {
                switch edge.kind {
                case .exact, .tolerant, .stemmed:
                    edges.append(CompactEdge(kind: edge.kind, word: edge.word, next: edge.next))
                case .number, .gap:
                    edges.append(CompactEdge(kind: edge.kind, word: Int32(bounds.count), next: edge.next))
                    bounds.append((edge.low, edge.high))
                }
            }
            terminals.append(contentsOf: ends)
        }
        nodes.append(Node(edgeStart: Int32(edges.count), terminalStart: Int32(terminals.count)))
        var byWord = [[Edge]](repeating: [], count: wordCount)
        var numberEdges: [Edge] = []
        for edge in nodeEdges[0] {
            switch edge.kind {
            case .exact, .tolerant, .stemmed: byWord[Int(edge.word)].append(edge)
            case .number: numberEdges.append(edge)
            case .gap: break  // rejected by the compiler
            }
        }
        // Stemmed root edges by stem: a word reaches those of every word sharing its stem.
        var byStem = [[Int32]](repeating: [], count: lexicon.stemCount)
        for id in 0..<wordCount where lexicon.stemOf[id] >= 0 {
            byStem[Int(lexicon.stemOf[id])].append(contentsOf: byWord[id].filter { $0.kind == .stemmed }.map(\.next))
        }
        var knownStart: [Int32] = [0]
        var knownNext: [Int32] = []
        var tolerantStart: [Int32] = [0]
        var tolerantNext: [Int32] = []
        for id in 0..<wordCount {
            var next = byWord[id].map(\.next)
            for k in lexicon.neighbourRange(Int32(id)) {
                next.append(contentsOf: byWord[Int(lexicon.neighbour(at: k))].filter { $0.kind != .exact }.map(\.next))
            }
            if lexicon.stemOf[id] >= 0 { next.append(contentsOf: byStem[Int(lexicon.stemOf[id])]) }
            var seen = Set<Int32>()
            knownNext.append(contentsOf: next.filter { seen.insert($0).inserted })
            knownStart.append(Int32(knownNext.count))
            tolerantNext.append(contentsOf: byWord[id].filter { $0.kind != .exact }.map(\.next))
            tolerantStart.append(Int32(tolerantNext.count))
        }
        var stemStart: [Int32] = [0]
        var stemNext: [Int32] = []
        for nodes in byStem {
            stemNext.append(contentsOf: nodes)
            stemStart.append(Int32(stemNext.count))
        }
        self.stemStart = stemStart
        self.stemNext = stemNext
        self.nodes = nodes
        self.edges = edges
        self.bounds = bounds
        self.terminals = terminals
        self.knownStart = knownStart
        self.knownNext = knownNext
        self.tolerantStart = tolerantStart
        self.tolerantNext = tolerantNext
        self.rootNumberEdges = numberEdges
    }

    /// Appends every match of every pattern in `tokens` to `matches` (unordered, possibly with
    /// several ends for one start).
    func scan(_ tokens: UnsafeBufferPointer<Token>, lexicon: Lexicon, breaks: Marks, into matches: inout [RawMatch]) {
        nodes.withUnsafeBufferPointer { nodes in
            edges.withUnsafeBufferPointer { edges in
                terminals.withUnsafeBufferPointer { terminals in
                    bounds.withUnsafeBufferPointer { bounds in
                        let walker = Walker(
                            nodes: nodes,
                            edges: edges,
                            terminals: terminals,
                            bounds: bounds,
                            tokens: tokens,
                            lexicon: lexicon,
                            breaks: breaks
                        )
                        scan(walker, into: &matches)
                    }
                }
            }
        }
    }

    /// Walks from the root nodes each token leads to.
    private func scan(_ walker: Walker, into matches: inout [RawMatch]) {
        let tokens = walker.tokens
        knownStart.withUnsafeBufferPointer { knownStart in
            knownNext.withUnsafeBufferPointer { knownNext in
                tolerantStart.withUnsafeBufferPointer { tolerantStart in
                    tolerantNext.withUnsafeBufferPointer { tolerantNext in
                        for i in 0..<tokens.count {
                            let token = tokens[i]
                            if token.id >= 0 {
                                let id = Int(token.id)
                                for k in Int(knownStart[id])..<Int(knownStart[id + 1]) {
                                    walker.walk(knownNext[k], at: i + 1, from: i, &matches)
                                }
                            } else {
                                if token.alternative0 >= 0 {
                                    let id = Int(token.alternative0)
                                    for k in Int(tolerantStart[id])..<Int(tolerantStart[id + 1]) {
                                        walker.walk(tolerantNext[k], at: i + 1, from: i, &matches)
                                    }
                                }
                                if token.alternative1 >= 0 {
                                    let id = Int(token.alternative1)
                                    for k in Int(tolerantStart[id])..<Int(tolerantStart[id + 1]) {
                                        walker.walk(tolerantNext[k], at: i + 1, from: i, &matches)
                                    }
                                }
                                if token.stem >= 0 {
                                    let stem = Int(token.stem)
                                    for k in Int(stemStart[stem])..<Int(stemStart[stem + 1]) {
                                        walker.walk(stemNext[k], at: i + 1, from: i, &matches)
                                    }
                                }
                            }
                            if !token.value.isNaN {
                                for edge in rootNumberEdges where token.value >= edge.low && token.value <= edge.high {
                                    walker.walk(edge.next, at: i + 1, from: i, &matches)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The trie's tables and one text, as raw buffers for the duration of one ``scan(_:lexicon:breaks:into:)``:
    /// a walk runs for every node a token reaches, so it reads them without bounds checks or
    /// reloading the arrays.
    private struct Walker {
        let nodes: UnsafeBufferPointer<Node>
        let edges: UnsafeBufferPointer<CompactEdge>
        let terminals: UnsafeBufferPointer<Int32>
        let bounds: UnsafeBufferPointer<(low: Double, high: Double)>
        let tokens: UnsafeBufferPointer<Token>
        let lexicon: Lexicon
        let breaks: Marks

        /// Records the terminals of `node` as matches `start..<j`, then follows every edge the
        /// token at `j` takes.
        func walk(_ node: Int32, at j: Int, from start: Int, _ matches: inout [RawMatch]) {
            let n = Int(node)
            let here = nodes[n]
            let after = nodes[n + 1]
            for k in Int(here.terminalStart)..<Int(after.terminalStart) {
                matches.append(RawMatch(entry: terminals[k], start: Int32(start), end: Int32(j)))
            }
            let first = Int(here.edgeStart)
            let last = Int(after.edgeStart)
            guard first < last, j < tokens.count else { return }
            let token = tokens[j]
            if !token.marksBefore.isDisjoint(with: breaks) { return }
            for k in first..<last {
                let edge = edges[k]
                switch edge.kind {
                case .exact:
                    if token.id == edge.word { walk(edge.next, at: j + 1, from: start, &matches) }
                case .tolerant:
                    if token.matches(tolerant: edge.word, in: lexicon) { walk(edge.next, at: j + 1, from: start, &matches) }
                case .stemmed:
                    if token.matches(stemmed: edge.word, in: lexicon) { walk(edge.next, at: j + 1, from: start, &matches) }
                case .number:
                    let range = bounds[Int(edge.word)]
                    if token.value >= range.low && token.value <= range.high { walk(edge.next, at: j + 1, from: start, &matches) }
                case .gap:
                    let range = bounds[Int(edge.word)]
                    let minimum = Int(range.low)
                    let maximum = Int(range.high)
                    var p = j
                    var skipped = 0
                    while skipped <= maximum, p < tokens.count {
                        if skipped >= minimum { walk(edge.next, at: p, from: start, &matches) }
                        p += 1
                        skipped += 1
                        if p < tokens.count, !tokens[p].marksBefore.isDisjoint(with: breaks) { break }
                    }
                }
            }
        }
    }
}
