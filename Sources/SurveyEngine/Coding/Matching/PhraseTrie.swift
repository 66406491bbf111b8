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
/// Flat arrays, no per-node allocation. The root is dispatched by word id, and so is every
/// interior node with more than ``linearWordEdges`` word edges (through ``WordDispatch``): what a
/// token costs there does not grow with the number of phrases that share the node.
final class PhraseTrie: Sendable {
    struct Edge: Sendable {
        enum Kind: UInt8, Sendable { case exact, tolerant, stemmed, number, gap }
        var kind: Kind
        var word: Int32
        var low: Double
        var high: Double
        var next: Int32
    }

    /// Where a node's edges and terminals start (the next node's entry says where they end). The
    /// word edges come first, the number and gap edges from `otherStart` on; `indexed` says the
    /// word edges are followed through the ``WordDispatch`` table rather than tested in turn.
    struct Node: Sendable {
        var edgeStart: Int32
        var otherStart: Int32
        var terminalStart: Int32
        var indexed: Bool
    }

    /// An edge as walked: 12 bytes, so a node's edges share cache lines. `word` is the lexicon id
    /// of a word edge, or the index into ``bounds`` of a number or gap edge.
    struct CompactEdge: Sendable {
        var kind: Edge.Kind
        var word: Int32
        var next: Int32
    }

    /// Interior nodes with at most this many word edges test them in turn (cheaper than a probe).
    static let linearWordEdges = 4

    /// One entry per node plus a closing one.
    private let nodes: [Node]
    private let edges: [CompactEdge]
    private let bounds: [(low: Double, high: Double)]
    private let terminals: [Int32]
    /// The word edges of indexed interior nodes.
    private let dispatch: WordDispatch
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
        let ways = WaysIn(lexicon: lexicon)
        var nodes: [Node] = []
        var edges: [CompactEdge] = []
        var bounds: [(low: Double, high: Double)] = []
        var terminals: [Int32] = []
        var dispatchLists: [UInt64: [Int32]] = [:]
        for (index, (outgoing, ends)) in zip(nodeEdges, nodeTerminals).enumerated() {
            let words = outgoing.filter { $0.kind == .exact || $0.kind == .tolerant || $0.kind == .stemmed }
            let indexed = index > 0 && words.count > Self.linearWordEdges
            nodes.append(
                Node(
                    edgeStart: Int32(edges.count),
                    otherStart: Int32(edges.count + words.count),
                    terminalStart: Int32(terminals.count),
                    indexed: indexed
                )
            )
            for edge in words {
                edges.append(CompactEdge(kind: edge.kind, word: edge.word, next: edge.next))
                if indexed {
                    ways.forEach(edge) { kind, word in
                        dispatchLists[WordDispatch.key(kind, node: Int32(index), word: word), default: []].appendIfNew(edge.next)
                    }
                }
            }
            for edge in outgoing where edge.kind == .number || edge.kind == .gap {
                edges.append(CompactEdge(kind: edge.kind, word: Int32(bounds.count), next: edge.next))
                bounds.append((edge.low, edge.high))
            }
            terminals.append(contentsOf: ends)
        }
        nodes.append(Node(edgeStart: Int32(edges.count), otherStart: Int32(edges.count), terminalStart: Int32(terminals.count), indexed: false))
        var known = [[Int32]](repeating: [], count: wordCount)
        var tolerant = [[Int32]](repeating: [], count: wordCount)
        var stems = [[Int32]](repeating: [], count: lexicon.stemCount)
        for edge in nodeEdges[0] where edge.kind == .exact || edge.kind == .tolerant || edge.kind == .stemmed {
            ways.forEach(edge) { kind, word in
                switch kind {
                case .known: known[Int(word)].appendIfNew(edge.next)
                case .alternative: tolerant[Int(word)].appendIfNew(edge.next)
                case .stem: stems[Int(word)].appendIfNew(edge.next)
                }
            }
        }
        var knownLists = FlatLists<Int32>()
        var tolerantLists = FlatLists<Int32>()
        var stemLists = FlatLists<Int32>()
        for list in known { knownLists.append(list) }
        for list in tolerant { tolerantLists.append(list) }
        for list in stems { stemLists.append(list) }
        self.stemStart = stemLists.starts
        self.stemNext = stemLists.elements
        self.nodes = nodes
        self.edges = edges
        self.bounds = bounds
        self.terminals = terminals
        self.dispatch = WordDispatch(dispatchLists)
        self.knownStart = knownLists.starts
        self.knownNext = knownLists.elements
        self.tolerantStart = tolerantLists.starts
        self.tolerantNext = tolerantLists.elements
        self.rootNumberEdges = nodeEdges[0].filter { $0.kind == .number }  // a root gap edge is rejected by the compiler
    }

    /// The tokens that take a word edge, as ``WordDispatch`` keys.
    private struct WaysIn {
        let lexicon: Lexicon
        /// Per lexicon id, the known words that may be a misspelling of it.
        let misspelledBy: [[Int32]]
        /// Per stem id, the lexicon words with that stem.
        let wordsWithStem: [[Int32]]

        init(lexicon: Lexicon) {
            var misspelledBy = [[Int32]](repeating: [], count: lexicon.count)
            var wordsWithStem = [[Int32]](repeating: [], count: lexicon.stemCount)
            for id in 0..<lexicon.count {
                for k in lexicon.neighbourRange(Int32(id)) { misspelledBy[Int(lexicon.neighbour(at: k))].append(Int32(id)) }
                if lexicon.stemOf[id] >= 0 { wordsWithStem[Int(lexicon.stemOf[id])].append(Int32(id)) }
            }
            self.lexicon = lexicon
            self.misspelledBy = misspelledBy
            self.wordsWithStem = wordsWithStem
        }

        /// Calls `body` with every key whose tokens take the word edge `edge` (see
        /// ``Token/matches(tolerant:in:)`` and ``Token/matches(stemmed:in:)``): its own word; for a
        /// tolerant or stemmed edge the known words that may be a misspelling of it and the word as
        /// an unknown word's alternative; for a stemmed edge every word with its stem and the stem.
        func forEach(_ edge: Edge, _ body: (WordDispatch.Key, Int32) -> Void) {
            body(.known, edge.word)
            guard edge.kind != .exact else { return }
            for id in misspelledBy[Int(edge.word)] { body(.known, id) }
            body(.alternative, edge.word)
            let stem = lexicon.stemOf[Int(edge.word)]
            guard edge.kind == .stemmed, stem >= 0 else { return }
            for id in wordsWithStem[Int(stem)] { body(.known, id) }
            body(.stem, stem)
        }
    }

    /// Appends every match of every pattern in `tokens` to `matches` (unordered, possibly with
    /// several ends for one start).
    func scan(_ tokens: UnsafeBufferPointer<Token>, lexicon: Lexicon, breaks: Marks, into matches: inout [RawMatch]) {
        nodes.withUnsafeBufferPointer { nodes in
            edges.withUnsafeBufferPointer { edges in
                terminals.withUnsafeBufferPointer { terminals in
                    bounds.withUnsafeBufferPointer { bounds in
                        dispatch.slots.withUnsafeBufferPointer { slots in
                            dispatch.targets.withUnsafeBufferPointer { targets in
                                let walker = Walker(
                                    nodes: nodes,
                                    edges: edges,
                                    terminals: terminals,
                                    bounds: bounds,
                                    slots: slots,
                                    targets: targets,
                                    mask: dispatch.mask,
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
        /// ``WordDispatch/slots``, ``WordDispatch/targets`` and ``WordDispatch/mask`` of the trie's dispatch.
        let slots: UnsafeBufferPointer<WordDispatch.Slot>
        let targets: UnsafeBufferPointer<Int32>
        let mask: Int
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
            let other = Int(here.otherStart)
            if here.indexed {
                followIndexed(node, token, at: j, from: start, &matches)
            } else {
                for k in first..<other {
                    let edge = edges[k]
                    let taken: Bool
                    switch edge.kind {
                    case .exact: taken = token.id == edge.word
                    case .tolerant: taken = token.matches(tolerant: edge.word, in: lexicon)
                    default: taken = token.matches(stemmed: edge.word, in: lexicon)
                    }
                    if taken { walk(edge.next, at: j + 1, from: start, &matches) }
                }
            }
            for k in other..<last {
                let edge = edges[k]
                let range = bounds[Int(edge.word)]
                if edge.kind == .number {
                    if token.value >= range.low && token.value <= range.high { walk(edge.next, at: j + 1, from: start, &matches) }
                    continue
                }
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

        /// Follows the word edges of the indexed `node` that `token` takes: one probe for a known
        /// word; for an unknown word one per misspelling candidate and one for its stem (a node
        /// the stem also reaches through a candidate is walked once).
        @inline(__always)
        private func followIndexed(_ node: Int32, _ token: Token, at j: Int, from start: Int, _ matches: inout [RawMatch]) {
            if token.id >= 0 {
                for k in WordDispatch.lookup(WordDispatch.key(.known, node: node, word: token.id), in: slots, mask: mask) {
                    walk(targets[k], at: j + 1, from: start, &matches)
                }
                return
            }
            var byAlternative0 = 0..<0
            var byAlternative1 = 0..<0
            if token.alternative0 >= 0 {
                byAlternative0 = WordDispatch.lookup(WordDispatch.key(.alternative, node: node, word: token.alternative0), in: slots, mask: mask)
                for k in byAlternative0 { walk(targets[k], at: j + 1, from: start, &matches) }
            }
            if token.alternative1 >= 0 {
                byAlternative1 = WordDispatch.lookup(WordDispatch.key(.alternative, node: node, word: token.alternative1), in: slots, mask: mask)
                for k in byAlternative1 { walk(targets[k], at: j + 1, from: start, &matches) }
            }
            if token.stem >= 0 {
                for k in WordDispatch.lookup(WordDispatch.key(.stem, node: node, word: token.stem), in: slots, mask: mask) {
                    let next = targets[k]
                    if byAlternative0.contains(where: { targets[$0] == next }) || byAlternative1.contains(where: { targets[$0] == next }) { continue }
                    walk(next, at: j + 1, from: start, &matches)
                }
            }
        }
    }
}

extension Array where Element: Equatable {
    /// Appends `element` unless the array holds it already.
    fileprivate mutating func appendIfNew(_ element: Element) {
        if !contains(element) { append(element) }
    }
}
