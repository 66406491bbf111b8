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

    /// A node's record in ``program``: a header of two words, `terminals | otherEdges << 16` and
    /// `wordEdges`, with the top bit set when the node's word edges are followed through
    /// ``WordDispatch`` (then they are not stored); then its terminals (entry ids); then its word
    /// edges and its number and gap edges, four words each: `kind << 28 | word` (the lexicon id of
    /// a word edge, the index into ``bounds`` of a number or gap edge), the next node's record and
    /// the next node's ``RootTarget/filter`` (low and high half), checked before the node is visited.
    /// A node is the offset of its record, so one walk step reads one stretch of memory. (The
    /// counts stay far below 2^15: one terminal per entry ending at the node, one number or gap
    /// edge per distinct range leaving it.)
    enum Record {
        static let header = 2
        static let edge = 4
        static let indexedFlag = Int32(bitPattern: 0x8000_0000)
        static let kindShift: Int32 = 28
        static let wordMask: Int32 = 0x0FFF_FFFF
    }

    /// A node the root (or an edge) leads to, with a filter of the tokens that may go on from it: one bit per
    /// ``WordDispatch`` key of its word edges (``bit(_:_:)``), or ``always`` when the node has
    /// terminals or number or gap edges. A node whose filter shares no bit with the next token's
    /// (``follows(_:)``) is not walked, so most first words of a phrase cost no visit of the node.
    struct RootTarget: Sendable, Equatable {
        var node: Int32
        var filter: UInt64

        static let always = UInt64.max

        /// The filter bit of a key.
        @inline(__always)
        static func bit(_ kind: WordDispatch.Key, _ word: Int32) -> UInt64 {
            1 << (((kind.rawValue << 32 | UInt64(UInt32(word))) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        }

        /// The filter bits of the keys `token` is looked up by (see ``WordDispatch``).
        @inline(__always)
        static func follows(_ token: Token) -> UInt64 {
            if token.id >= 0 { return bit(.known, token.id) }
            var bits: UInt64 = 0
            if token.alternative0 >= 0 { bits |= bit(.alternative, token.alternative0) }
            if token.alternative1 >= 0 { bits |= bit(.alternative, token.alternative1) }
            if token.stem >= 0 { bits |= bit(.stem, token.stem) }
            return bits
        }

        /// Whether a node with `filter` is worth a visit by a token with filter bits `following`.
        @inline(__always)
        static func admits(_ filter: UInt64, _ following: UInt64) -> Bool {
            filter == always || filter & following != 0
        }
    }

    /// Interior nodes with at most this many word edges test them in turn (cheaper than a probe).
    static let linearWordEdges = 4

    /// Every node's record (see ``Record``), the root's first.
    private let program: [Int32]
    private let bounds: [(low: Double, high: Double)]
    /// The word edges of indexed interior nodes.
    private let dispatch: WordDispatch
    /// Per lexicon id, the nodes a text word with that id leads to from the root:
    /// `knownNext[knownStart[id]..<knownStart[id + 1]]`, through its own word edges, the tolerant
    /// and stemmed edges of the words it may be a misspelling of (the lexicon's neighbours) and
    /// the stemmed edges of the words sharing its stem (see ``WaysIn``).
    private let knownStart: [Int32]
    private let knownNext: [RootTarget]
    /// Per lexicon id, the nodes its tolerant root edges lead to (for unknown words that may be
    /// a misspelling of it): `tolerantNext[tolerantStart[id]..<tolerantStart[id + 1]]`.
    private let tolerantStart: [Int32]
    private let tolerantNext: [RootTarget]
    /// Per stem id, the nodes the stemmed root edges of words with that stem lead to (for unknown
    /// words with that stem): `stemNext[stemStart[stem]..<stemStart[stem + 1]]`.
    private let stemStart: [Int32]
    private let stemNext: [RootTarget]
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
        let isWord: (Edge) -> Bool = { $0.kind == .exact || $0.kind == .tolerant || $0.kind == .stemmed }
        // The root is dispatched by the tables below, so its record holds no edges.
        let indexed = nodeEdges.indices.map { $0 > 0 && nodeEdges[$0].filter(isWord).count > Self.linearWordEdges }
        var offsets: [Int32] = []
        var size = 0
        for (index, (outgoing, ends)) in zip(nodeEdges, nodeTerminals).enumerated() {
            offsets.append(Int32(size))
            let stored = indexed[index] ? outgoing.filter { !isWord($0) }.count : outgoing.count
            size += Record.header + (index == 0 ? 0 : ends.count + Record.edge * stored)
        }
        // Each node an edge leads to, with the filter of the tokens that may go on from it.
        func target(_ index: Int) -> RootTarget {
            if !nodeTerminals[index].isEmpty || nodeEdges[index].contains(where: { !isWord($0) }) {
                return RootTarget(node: offsets[index], filter: RootTarget.always)
            }
            var filter: UInt64 = 0
            for edge in nodeEdges[index] { ways.forEach(edge) { kind, word in filter |= RootTarget.bit(kind, word) } }
            return RootTarget(node: offsets[index], filter: filter)
        }
        func append(_ target: RootTarget, to program: inout [Int32]) {
            program.append(target.node)
            program.append(Int32(truncatingIfNeeded: target.filter))
            program.append(Int32(truncatingIfNeeded: target.filter >> 32))
        }
        var program: [Int32] = [0, 0]  // the root's record
        program.reserveCapacity(size)
        var bounds: [(low: Double, high: Double)] = []
        var dispatchLists: [UInt64: [Int32]] = [:]
        for (index, (outgoing, ends)) in zip(nodeEdges, nodeTerminals).enumerated() where index > 0 {
            let words = outgoing.filter(isWord)
            let others = outgoing.filter { !isWord($0) }
            let node = offsets[index]
            program.append(Int32(ends.count) | Int32(others.count) << 16)
            program.append(indexed[index] ? Record.indexedFlag : Int32(words.count))
            program.append(contentsOf: ends)
            for edge in words {
                let next = offsets[Int(edge.next)]
                if indexed[index] {
                    ways.forEach(edge) { kind, word in
                        dispatchLists[WordDispatch.key(kind, node: node, word: word), default: []].appendIfNew(next)
                    }
                } else {
                    program.append(Int32(edge.kind.rawValue) << Record.kindShift | edge.word)
                    append(target(Int(edge.next)), to: &program)
                }
            }
            for edge in others {
                program.append(Int32(edge.kind.rawValue) << Record.kindShift | Int32(bounds.count))
                append(target(Int(edge.next)), to: &program)
                bounds.append((edge.low, edge.high))
            }
        }
        var known = [[RootTarget]](repeating: [], count: wordCount)
        var tolerant = [[RootTarget]](repeating: [], count: wordCount)
        var stems = [[RootTarget]](repeating: [], count: lexicon.stemCount)
        for edge in nodeEdges[0] where isWord(edge) {
            let next = target(Int(edge.next))
            ways.forEach(edge) { kind, word in
                switch kind {
                case .known: known[Int(word)].appendIfNew(next)
                case .alternative: tolerant[Int(word)].appendIfNew(next)
                case .stem: stems[Int(word)].appendIfNew(next)
                }
            }
        }
        var knownLists = FlatLists<RootTarget>()
        var tolerantLists = FlatLists<RootTarget>()
        var stemLists = FlatLists<RootTarget>()
        for list in known { knownLists.append(list) }
        for list in tolerant { tolerantLists.append(list) }
        for list in stems { stemLists.append(list) }
        self.stemStart = stemLists.starts
        self.stemNext = stemLists.elements
        self.program = program
        self.bounds = bounds
        self.dispatch = WordDispatch(dispatchLists)
        self.knownStart = knownLists.starts
        self.knownNext = knownLists.elements
        self.tolerantStart = tolerantLists.starts
        self.tolerantNext = tolerantLists.elements
        // A root gap edge is rejected by the compiler.
        self.rootNumberEdges = nodeEdges[0].filter { $0.kind == .number }.map { edge in
            var edge = edge
            edge.next = offsets[Int(edge.next)]
            return edge
        }
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
        program.withUnsafeBufferPointer { program in
            bounds.withUnsafeBufferPointer { bounds in
                dispatch.slots.withUnsafeBufferPointer { slots in
                    dispatch.targets.withUnsafeBufferPointer { targets in
                        let walker = Walker(
                            program: program,
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

    /// Walks from the root nodes each token leads to.
    private func scan(_ walker: Walker, into matches: inout [RawMatch]) {
        let tokens = walker.tokens
        knownStart.withUnsafeBufferPointer { knownStart in
            knownNext.withUnsafeBufferPointer { knownNext in
                tolerantStart.withUnsafeBufferPointer { tolerantStart in
                    tolerantNext.withUnsafeBufferPointer { tolerantNext in
                        for i in 0..<tokens.count {
                            let token = tokens[i]
                            let next = walker.follows(at: i + 1)
                            @inline(__always) func visit(_ target: RootTarget) {
                                if RootTarget.admits(target.filter, next) { walker.walk(target.node, at: i + 1, from: i, &matches) }
                            }
                            if token.id >= 0 {
                                let id = Int(token.id)
                                for k in Int(knownStart[id])..<Int(knownStart[id + 1]) { visit(knownNext[k]) }
                            } else {
                                if token.alternative0 >= 0 {
                                    let id = Int(token.alternative0)
                                    for k in Int(tolerantStart[id])..<Int(tolerantStart[id + 1]) { visit(tolerantNext[k]) }
                                }
                                if token.alternative1 >= 0 {
                                    let id = Int(token.alternative1)
                                    for k in Int(tolerantStart[id])..<Int(tolerantStart[id + 1]) { visit(tolerantNext[k]) }
                                }
                                if token.stem >= 0 {
                                    let stem = Int(token.stem)
                                    for k in Int(stemStart[stem])..<Int(stemStart[stem + 1]) { visit(stemNext[k]) }
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
        let program: UnsafeBufferPointer<Int32>
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
            let counts = program[n]
            let wordEdges = program[n + 1]
            let terminalEnd = n + Record.header + Int(counts & 0xFFFF)
            for k in (n + Record.header)..<terminalEnd {
                matches.append(RawMatch(entry: program[k], start: Int32(start), end: Int32(j)))
            }
            let otherCount = Int(counts >> 16)
            guard wordEdges != 0 || otherCount > 0, j < tokens.count else { return }
            let token = tokens[j]
            if !token.marksBefore.isDisjoint(with: breaks) { return }
            var k = terminalEnd
            let following = follows(at: j + 1)
            if wordEdges < 0 {
                followIndexed(node, token, at: j, from: start, &matches)
            } else {
                let end = k + Record.edge * Int(wordEdges)
                while k < end {
                    let word = program[k] & Record.wordMask
                    let taken: Bool
                    switch program[k] >> Record.kindShift {
                    case Int32(Edge.Kind.exact.rawValue): taken = token.id == word
                    case Int32(Edge.Kind.tolerant.rawValue): taken = token.matches(tolerant: word, in: lexicon)
                    default: taken = token.matches(stemmed: word, in: lexicon)
                    }
                    if taken, goesOn(k, following) { walk(program[k + 1], at: j + 1, from: start, &matches) }
                    k += Record.edge
                }
            }
            let end = k + Record.edge * otherCount
            while k < end {
                let edge = k
                let range = bounds[Int(program[k] & Record.wordMask)]
                let next = program[k + 1]
                k += Record.edge
                if program[edge] >> Record.kindShift == Int32(Edge.Kind.number.rawValue) {
                    if token.value >= range.low && token.value <= range.high, goesOn(edge, following) {
                        walk(next, at: j + 1, from: start, &matches)
                    }
                    continue
                }
                let minimum = Int(range.low)
                let maximum = Int(range.high)
                var p = j
                var skipped = 0
                while skipped <= maximum, p < tokens.count {
                    if skipped >= minimum, goesOn(edge, follows(at: p)) { walk(next, at: p, from: start, &matches) }
                    p += 1
                    skipped += 1
                    if p < tokens.count, !tokens[p].marksBefore.isDisjoint(with: breaks) { break }
                }
            }
        }

        /// The filter bits of the token at `j` (``RootTarget/follows(_:)``), or 0 when no token can
        /// go on there (the text ends, or a sentence break comes first).
        @inline(__always)
        func follows(at j: Int) -> UInt64 {
            guard j < tokens.count, tokens[j].marksBefore.isDisjoint(with: breaks) else { return 0 }
            return RootTarget.follows(tokens[j])
        }

        /// Whether the node the edge at `k` leads to is worth a visit by a token with filter bits `following`.
        @inline(__always)
        private func goesOn(_ k: Int, _ following: UInt64) -> Bool {
            let filter = UInt64(UInt32(bitPattern: program[k + 2])) | UInt64(UInt32(bitPattern: program[k + 3])) << 32
            return RootTarget.admits(filter, following)
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
