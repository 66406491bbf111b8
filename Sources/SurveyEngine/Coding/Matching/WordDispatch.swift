/// The word edges of the trie's busy interior nodes, indexed by what a token carries: a hash
/// table from (node, key) to the nodes those edges lead to, so a token costs one probe per key
/// at such a node instead of a test of every edge.
///
/// A known text word is looked up by its lexicon id (``Key/known``: the node's edges for that
/// word, the tolerant and stemmed edges of the words it may be a misspelling of, and the stemmed
/// edges sharing its stem); an unknown word by each of its misspelling candidates
/// (``Key/alternative``) and by its stem (``Key/stem``).
struct WordDispatch: Sendable {
    /// What a table key holds besides the node.
    enum Key: UInt64, Sendable {
        /// The lexicon id of a known text word.
        case known = 0
        /// A tolerant lexicon word an unknown text word may be a misspelling of.
        case alternative = 1
        /// The stem id of an unknown text word.
        case stem = 2
    }

    /// One table slot: a key and its nodes, `targets[start..<end]`; ``empty`` marks a free slot.
    struct Slot: Sendable {
        var key: UInt64
        var start: Int32
        var end: Int32
    }

    static let empty = UInt64.max

    let slots: [Slot]
    let targets: [Int32]
    let mask: Int

    /// Builds the table from the nodes each key leads to (each list without repeats).
    /// - Parameters:
    ///   - lists: the next nodes per ``key(_:node:word:)``.
    init(_ lists: [UInt64: [Int32]]) {
        var capacity = 16
        while capacity < lists.count * 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(key: Self.empty, start: 0, end: 0), count: capacity)
        var targets: [Int32] = []
        for (key, nodes) in lists.sorted(by: { $0.key < $1.key }) {
            var slot = Self.slot(key, mask: capacity - 1)
            while slots[slot].key != Self.empty { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Slot(key: key, start: Int32(targets.count), end: Int32(targets.count + nodes.count))
            targets.append(contentsOf: nodes)
        }
        self.slots = slots
        self.targets = targets
        self.mask = capacity - 1
    }

    /// The table key of `word` (a lexicon id or a stem id, as `kind` says) at `node`.
    @inline(__always)
    static func key(_ kind: Key, node: Int32, word: Int32) -> UInt64 {
        kind.rawValue << 62 | UInt64(UInt32(node)) << 32 | UInt64(UInt32(word))
    }

    /// Where the probe for `key` starts.
    @inline(__always)
    static func slot(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The indices into `targets` of the nodes `key` leads to (empty when it leads nowhere).
    /// - Parameters:
    ///   - key: a ``key(_:node:word:)``.
    ///   - slots: this table's ``slots``, as a buffer.
    ///   - mask: this table's ``mask``.
    @inline(__always)
    static func lookup(_ key: UInt64, in slots: UnsafeBufferPointer<Slot>, mask: Int) -> Range<Int> {
        var s = slot(key, mask: mask)
        while true {
            let slot = slots[s]
            if slot.key == key { return Int(slot.start)..<Int(slot.end) }
            if slot.key == empty { return 0..<0 }
            s = (s + 1) & mask
        }
    }
}
