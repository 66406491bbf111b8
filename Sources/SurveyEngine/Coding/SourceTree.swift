/// Every source path of a codebook merged into one tree, so a submission's `answers` are walked
/// once, member by member, with no hash lookups and no work for absent answers.
///
/// The walk follows the members the submission actually has and compares their names with
/// the names the tree expects; texts are returned sorted by (field, source, wildcard members),
/// so results do not depend on the order of JSON object members.
struct SourceTree: Sendable {
    /// One text found in a submission.
    struct Found {
        var field: Int32
        var source: Int32
        /// The members the wildcards of the source path stood for, in path order:
        /// `Texts.keys[keyStart..<keyEnd]`.
        var keyStart: Int32
        var keyEnd: Int32
        var text: String
    }

    /// The texts of one submission and the wildcard members they were found under; reused
    /// from call to call.
    struct Texts {
        var found: [Found] = []
        var keys: [String] = []
        /// The wildcard members on the way down to the value being visited.
        fileprivate var path: [String] = []

        /// The wildcard members of `item`.
        func keys(of item: Found) -> ArraySlice<String> { keys[Int(item.keyStart)..<Int(item.keyEnd)] }
    }

    /// Per node: named children `namedKeys/namedNodes[namedStart[n]..<namedStart[n + 1]]`,
    /// the wildcard child (-1 = none) and the (field, source) pairs that end there.
    private let namedStart: [Int32]
    private let namedKeys: [String]
    private let namedNodes: [Int32]
    private let wildcard: [Int32]
    private let terminalStart: [Int32]
    private let terminals: [(field: Int32, source: Int32)]

    /// Builds the tree of `paths[field][source]`.
    init(paths: [[SourcePath]]) {
        var named: [[(key: String, node: Int32)]] = [[]]
        var wildcards: [Int32] = [-1]
        var ends: [[(field: Int32, source: Int32)]] = [[]]
        func newNode() -> Int {
            named.append([])
            wildcards.append(-1)
            ends.append([])
            return named.count - 1
        }
        for (field, sources) in paths.enumerated() {
            for (source, path) in sources.enumerated() {
                var node = 0
                for step in path.steps {
                    if step == "*" {
                        if wildcards[node] < 0 { wildcards[node] = Int32(newNode()) }
                        node = Int(wildcards[node])
                    } else if let existing = named[node].first(where: { $0.key == step }) {
                        node = Int(existing.node)
                    } else {
                        let child = newNode()
                        named[node].append((step, Int32(child)))
                        node = child
                    }
                }
                ends[node].append((Int32(field), Int32(source)))
            }
        }
        var keys = FlatLists<String>()
        var nodes = FlatLists<Int32>()
        var terminals = FlatLists<(field: Int32, source: Int32)>()
        for (children, here) in zip(named, ends) {
            keys.append(children.lazy.map(\.key))
            nodes.append(children.lazy.map(\.node))
            terminals.append(here)
        }
        self.namedStart = keys.starts
        self.namedKeys = keys.elements
        self.namedNodes = nodes.elements
        self.wildcard = wildcards
        self.terminalStart = terminals.starts
        self.terminals = terminals.elements
    }

    /// Collects every string a source path reaches in `answers` into `texts`, sorted by
    /// (field, source, wildcard members).
    func collect(_ answers: JSONValue, into texts: inout Texts) {
        texts.found.removeAll(keepingCapacity: true)
        texts.keys.removeAll(keepingCapacity: true)
        texts.path.removeAll(keepingCapacity: true)
        visit(0, answers, &texts)
        // Insertion sort: a submission has a handful of texts, usually found almost in order.
        let count = texts.found.count
        if count > 1 {
            texts.found.withUnsafeMutableBufferPointer { found in
                for i in 1..<count {
                    var j = i
                    while j > 0, Self.precedes(found[j], found[j - 1], texts.keys) {
                        found.swapAt(j, j - 1)
                        j -= 1
                    }
                }
            }
        }
    }

    private static func precedes(_ a: Found, _ b: Found, _ keys: [String]) -> Bool {
        if a.field != b.field { return a.field < b.field }
        if a.source != b.source { return a.source < b.source }
        return keys[Int(a.keyStart)..<Int(a.keyEnd)].lexicographicallyPrecedes(keys[Int(b.keyStart)..<Int(b.keyEnd)])
    }

    private func visit(_ node: Int, _ value: JSONValue, _ texts: inout Texts) {
        switch value {
        case .string(let text):
            let first = Int(terminalStart[node])
            let last = Int(terminalStart[node + 1])
            if first == last { return }
            let keyStart = Int32(texts.keys.count)
            texts.keys.append(contentsOf: texts.path)
            let keyEnd = Int32(texts.keys.count)
            for k in first..<last {
                texts.found.append(
                    Found(
                        field: terminals[k].field,
                        source: terminals[k].source,
                        keyStart: keyStart,
                        keyEnd: keyEnd,
                        text: text
                    )
                )
            }
        case .object(let members):
            let first = Int(namedStart[node])
            let last = Int(namedStart[node + 1])
            let any = wildcard[node]
            if first == last && any < 0 { return }
            // Only the members the tree names (or a wildcard takes) are read: the others' values
            // are not even retained.
            for index in members.indices {
                let key = members[index].key
                for k in first..<last where namedKeys[k] == key { visit(Int(namedNodes[k]), members[index].value, &texts) }
                if any >= 0 {
                    texts.path.append(key)
                    visit(Int(any), members[index].value, &texts)
                    texts.path.removeLast()
                }
            }
        default:
            return
        }
    }
}
