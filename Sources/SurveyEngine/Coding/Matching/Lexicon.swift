/// Every word a compiled codebook mentions, with O(1) lookup of a text word and the
/// misspelling neighbours of each word.
///
/// Built once by ``LexiconBuilder``; read-only afterwards. A class so the hot loops borrow it
/// instead of copying (and reference-counting) its arrays.
final class Lexicon: Sendable {
    /// Number of words; ids are `0..<count`.
    let count: Int
    /// One slot of the lookup table: a word's first eight bytes (zero-padded), its length and id,
    /// and what tokenizing the word needs (its ``stemOf``, ``expansionOf`` and ``numberValues``
    /// entries) and its second-opinion form, so finding a word of up to eight bytes reads one
    /// 40-byte slot and nothing else. A slot may hold a word only the second opinion knows
    /// (``id`` -1, ``form`` set): looking it up then costs the tokenizer no second probe.
    struct Entry: Sendable {
        var prefix: UInt64
        var value: Double
        /// -1 for an empty slot (and for a word not found).
        var id: Int32
        var length: Int32
        var stem: Int32
        var expansion: Int32

        /// The second opinion's stem of the word (``SecondOpinion/forms``), or -1.
        var form: Int32
        /// Where the word's bytes start in the lexicon's storage.
        var offset: Int32

        /// An empty slot (length 0), and what looking up a word no slot holds gives.
        static let absent = Entry(prefix: 0, value: .nan, id: -1, length: 0, stem: -1, expansion: -1, form: -1, offset: 0)
    }

    /// Word bytes, `storage[offsets[id]..<offsets[id + 1]]`.
    private let storage: [UInt8]
    private let offsets: [Int32]
    /// Open-addressing hash table of ``Entry`` slots, probed from the low bits of the word's hash.
    private let slots: [Entry]
    private let slotMask: Int
    /// The value of a number word, NaN for other words.
    let numberValues: [Double]
    /// For every word, the tolerant words it may be a misspelling of.
    private let neighbourStart: [Int32]
    private let neighbourWords: [Int32]
    /// Shortest text word worth a misspelling search.
    private let minimumTolerantLength: Int
    private let search: FuzzyIndex
    /// Per word, the id of its stem among the stems of stemmed words (-1 when no stemmed word shares it).
    let stemOf: [Int32]
    /// How many distinct stems stemmed words have (0: nothing is matched by stem).
    let stemCount: Int
    private let stemIDs: [[UInt8]: Int32]
    /// Whether some stem starts with these three ASCII letters (index ``prefixIndex(_:)``): a
    /// word whose first three letters start no stem is not stemmed. Snowball keeps the first
    /// three letters of a word in its stem but for a handful of irregular forms ("dying" → "die").
    private let stemPrefixes: [Bool]
    /// Whether a stem is shorter than three letters or starts with a non-letter (then every word is stemmed).
    private let stemsUnfiltered: Bool
    /// Per word, the index of the first abbreviation it may be (in ``expansions``), else -1.
    let expansionOf: [Int32]
    /// The domain's abbreviations, grouped by word: the word, the exact bytes it is written in
    /// ("CiN" and "CIN" are two entries of the word "cin"), and the words it stands for.
    let expansions: [(abbreviation: Int32, exact: [UInt8], words: [Int32])]
    /// Tokens per text byte at most: 1, or more when an abbreviation expands to more words than it has bytes.
    let tokensPerByte: Int

    init(
        words: [[UInt8]],
        numberValues: [Double],
        tolerant: [Bool],
        tolerance: [Codebook.Tolerance],
        sameFirstLetter: Bool,
        stemmed: [Bool] = [],
        stemmer: SnowballStemmer? = nil,
        expansions: [(abbreviation: Int32, exact: [UInt8], words: [Int32])] = [],
        formOf: [Int32] = [],
        formOnly: [(word: [UInt8], form: Int32)] = []
    ) {
        var stemIDs: [[UInt8]: Int32] = [:]
        var stemOf = [Int32](repeating: -1, count: words.count)
        if let stemmer {
            let stems = words.map { stemmer.stem($0) }
            for (id, stem) in stems.enumerated() where id < stemmed.count && stemmed[id] && stemIDs[stem] == nil {
                stemIDs[stem] = Int32(stemIDs.count)
            }
            for (id, stem) in stems.enumerated() { stemOf[id] = stemIDs[stem] ?? -1 }
        }
        self.stemIDs = stemIDs
        self.stemOf = stemOf
        self.stemCount = stemIDs.count
        var stemPrefixes = [Bool](repeating: false, count: 26 * 26 * 26)
        var stemsUnfiltered = false
        for stem in stemIDs.keys {
            if let index = stem.withUnsafeBufferPointer(Self.prefixIndex) { stemPrefixes[index] = true } else { stemsUnfiltered = true }
        }
        self.stemPrefixes = stemPrefixes
        self.stemsUnfiltered = stemsUnfiltered
        let grouped = expansions.enumerated().sorted { ($0.element.abbreviation, $0.offset) < ($1.element.abbreviation, $1.offset) }
            .map(\.element)
        var expansionOf = [Int32](repeating: -1, count: words.count)
        for (index, expansion) in grouped.enumerated().reversed() { expansionOf[Int(expansion.abbreviation)] = Int32(index) }
        self.expansionOf = expansionOf
        self.expansions = grouped
        self.tokensPerByte = max(1, expansions.map { ($0.words.count + $0.exact.count - 1) / $0.exact.count }.max() ?? 1)
        var storage: [UInt8] = []
        var offsets: [Int32] = [0]
        for word in words {
            storage.append(contentsOf: word)
            offsets.append(Int32(storage.count))
        }
        var capacity = 16
        while capacity < (words.count + formOnly.count) * 2 { capacity <<= 1 }
        var slots = [Entry](repeating: .absent, count: capacity)
        func insert(_ word: [UInt8], _ entry: Entry) {
            var slot = Int(truncatingIfNeeded: Self.hash(word)) & (capacity - 1)
            while slots[slot].length > 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = entry
        }
        func prefix(_ word: [UInt8]) -> UInt64 {
            word.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
        }
        for (id, word) in words.enumerated() {
            insert(
                word,
                Entry(
                    prefix: prefix(word),
                    value: numberValues[id],
                    id: Int32(id),
                    length: Int32(word.count),
                    stem: stemOf[id],
                    expansion: expansionOf[id],
                    form: id < formOf.count ? formOf[id] : -1,
                    offset: offsets[id]
                )
            )
        }
        // Words only the second opinion knows: their bytes follow the lexicon's words in storage.
        for (word, form) in formOnly {
            let offset = Int32(storage.count)
            storage.append(contentsOf: word)
            insert(
                word,
                Entry(prefix: prefix(word), value: .nan, id: -1, length: Int32(word.count), stem: -1, expansion: -1, form: form, offset: offset)
            )
        }
        // Slack so ``find(_:hash:)`` may compare the last word 8 bytes at a time.
        storage.append(contentsOf: repeatElement(0, count: 8))

        let tiers = tolerance.sorted { $0.minLength < $1.minLength }
        func edits(for word: [UInt8]) -> Int {
            guard word.allSatisfy({ !TextScanner.isDigit($0) }) else { return 0 }
            return tiers.last { word.count >= $0.minLength }?.maxEdits ?? 0
        }
        let maxEdits = words.indices.map { tolerant[$0] ? UInt8(edits(for: words[$0])) : 0 }
        let letterMasks = words.map(Self.letterMask)
        var buckets = [[Int32]](repeating: [], count: FuzzyIndex.firstClasses * FuzzyIndex.lengthSlots)
        for (id, word) in words.enumerated() where maxEdits[id] > 0 && word.count < FuzzyIndex.lengthSlots {
            buckets[FuzzyIndex.bucket(FuzzyIndex.firstClass(word[0]), word.count)].append(Int32(id))
        }
        let search = FuzzyIndex(
            storage: storage,
            offsets: offsets,
            maxEdits: maxEdits,
            letterMasks: letterMasks,
            buckets: buckets,
            widestTolerance: tiers.map(\.maxEdits).max() ?? 0,
            sameFirstLetter: sameFirstLetter
        )
        var neighbourStart: [Int32] = [0]
        var neighbourWords: [Int32] = []
        for (id, word) in words.enumerated() {
            word.withUnsafeBufferPointer { bytes in
                search.forEachMatch(of: bytes, letterMask: letterMasks[id]) { other in
                    if other != Int32(id) { neighbourWords.append(other) }
                }
            }
            neighbourStart.append(Int32(neighbourWords.count))
        }
        self.count = words.count
        self.storage = storage
        self.offsets = offsets
        self.slots = slots
        self.slotMask = capacity - 1
        self.numberValues = numberValues
        self.neighbourStart = neighbourStart
        self.neighbourWords = neighbourWords
        self.minimumTolerantLength = tiers.map { $0.minLength - $0.maxEdits }.min() ?? Int.max
        self.search = search
    }

    static func hash(_ word: [UInt8]) -> UInt64 {
        word.withUnsafeBufferPointer { TextScanner.hash($0) }
    }

    static func letterMask(_ word: [UInt8]) -> UInt32 {
        word.reduce(0) { mask, b in
            TextScanner.isASCIILetter(b) ? mask | 1 << UInt32((b | 0x20) &- UInt8(ascii: "a")) : mask
        }
    }

    /// The word's bytes.
    func word(_ id: Int32) -> ArraySlice<UInt8> { storage[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])] }

    /// The word as a string (for messages and tests).
    func string(_ id: Int32) -> String { String(decoding: word(id), as: UTF8.self) }

    /// The slot of a lower-cased word, or ``Entry/absent``; id -1 for a word the codebook does not
    /// mention. `word` must be readable in whole 8-byte words (see ``RawWord/lowercased``).
    @inline(__always)
    func find(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Entry {
        guard let base = word.baseAddress, !word.isEmpty else { return .absent }
        let length = word.count
        let head = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
        let prefix = length >= 8 ? head : head & (UInt64.max >> UInt64(64 - 8 * length))
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while true {
                let entry = slots[slot]
                if entry.length == 0 { return .absent }
                if entry.prefix == prefix, Int(entry.length) == length {
                    if length <= 8 { return entry }
                    let rest = UnsafeBufferPointer(rebasing: word[8...])
                    if storedWord(at: Int(entry.offset) + 8, equals: rest) { return entry }
                }
                slot = (slot + 1) & slotMask
            }
        }
    }

    /// Whether `storage[from..<from + word.count]` equals `word`, compared 8 bytes at a time.
    @inline(__always)
    private func storedWord(at from: Int, equals word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = word.baseAddress else { return true }
        return storage.withUnsafeBytes { all in
            let length = word.count
            var k = 0
            while k < length {
                let left = all.loadUnaligned(fromByteOffset: from + k, as: UInt64.self)
                let right = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: k, as: UInt64.self)
                let rest = length - k
                let mask = rest >= 8 ? UInt64.max : UInt64(littleEndian: UInt64.max >> UInt64(64 - 8 * rest))
                if (left ^ right) & mask != 0 { return false }
                k += 8
            }
            return true
        }
    }

    /// Indices into ``neighbour(at:)`` of the tolerant words `id` may be a misspelling of.
    @inline(__always)
    func neighbourRange(_ id: Int32) -> Range<Int> {
        Int(neighbourStart[Int(id)])..<Int(neighbourStart[Int(id) + 1])
    }

    @inline(__always)
    func neighbour(at index: Int) -> Int32 { neighbourWords[index] }

    /// Whether the known word `id` may be a misspelling of the tolerant word `word`.
    @inline(__always)
    func isNeighbour(_ id: Int32, of word: Int32) -> Bool {
        var k = Int(neighbourStart[Int(id)])
        let end = Int(neighbourStart[Int(id) + 1])
        while k < end {
            if neighbourWords[k] == word { return true }
            k += 1
        }
        return false
    }

    /// Whether an unknown word of `length` bytes can be within tolerance of a tolerant word at all.
    @inline(__always)
    func mayBeMisspelling(length: Int) -> Bool {
        length >= minimumTolerantLength && length < FuzzyIndex.lengthSlots - search.widestTolerance
    }

    /// The index of a word's first three letters in ``stemPrefixes``, or `nil` when they are not three ASCII letters.
    @inline(__always)
    static func prefixIndex(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard word.count >= 3 else { return nil }
        var index = 0
        for k in 0..<3 {
            let b = word[k] | 0x20
            guard b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") else { return nil }
            index = index * 26 + Int(b &- UInt8(ascii: "a"))
        }
        return index
    }

    /// Whether an unknown word may have the stem of a stemmed word (a cheap test before stemming it).
    @inline(__always)
    func mayShareStem(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stemCount > 0 else { return false }
        if stemsUnfiltered { return true }
        guard let index = Self.prefixIndex(word) else { return false }
        return stemPrefixes[index]
    }

    /// The id of a stem (as ``stemOf`` numbers them), or -1 when no stemmed word has it.
    func stemID(of stem: UnsafeBufferPointer<UInt8>) -> Int32 {
        stemIDs[Array(stem)] ?? -1
    }

    /// Up to two tolerant words an unknown text word is within tolerance of (-1 = none).
    func alternatives(of word: UnsafeBufferPointer<UInt8>) -> (Int32, Int32) {
        if !mayBeMisspelling(length: word.count) { return (-1, -1) }
        var first: Int32 = -1
        var second: Int32 = -1
        var letterMask: UInt32 = 0
        for b in word where TextScanner.isASCIILetter(b) { letterMask |= 1 << UInt32(b &- UInt8(ascii: "a")) }
        search.forEachMatch(of: word, letterMask: letterMask) { id in
            if first < 0 { first = id } else if second < 0 { second = id }
        }
        return (first, second)
    }
}

/// Collects words while a codebook is compiled.
struct LexiconBuilder {
    private(set) var words: [[UInt8]] = []
    private var ids: [[UInt8]: Int32] = [:]
    private var tolerant: [Bool] = []
    private var stemmed: [Bool] = []
    private var numberValues: [Double] = []
    private var expansions: [(abbreviation: Int32, exact: [UInt8], words: [Int32])] = []

    /// The id of `word`, adding it when new; `tolerant` marks a word used where misspellings are
    /// allowed, `stemmed` one that also matches other forms with its stem.
    mutating func intern(_ word: [UInt8], tolerant isTolerant: Bool = false, stemmed isStemmed: Bool = false) -> Int32 {
        if let id = ids[word] {
            if isTolerant { tolerant[Int(id)] = true }
            if isStemmed { stemmed[Int(id)] = true }
            return id
        }
        let id = Int32(words.count)
        words.append(word)
        ids[word] = id
        tolerant.append(isTolerant)
        stemmed.append(isStemmed)
        numberValues.append(.nan)
        return id
    }

    /// Records an abbreviation: the word `abbreviation`, written exactly as `exact`, stands for `words`.
    mutating func addExpansion(_ abbreviation: Int32, exact: [UInt8], words expansion: [Int32]) {
        expansions.append((abbreviation, exact, expansion))
    }

    /// Records the value of a number word.
    mutating func setNumber(_ id: Int32, _ value: Double) { numberValues[Int(id)] = value }

    /// The id of a word already interned, or `nil`.
    func id(of word: [UInt8]) -> Int32? { ids[word] }

    /// Builds the lexicon of the words interned.
    /// - Parameters:
    ///   - tolerance: The misspelling tiers of tolerant words.
    ///   - sameFirstLetter: Whether a misspelling must keep the word's first letter.
    ///   - stemmer: Stems the stemmed words, or `nil` when nothing is matched by stem.
    ///   - forms: The second opinion's words with their stems (``CompiledSecondOpinion/forms(of:)``). Default: none.
    func build(
        tolerance: [Codebook.Tolerance],
        sameFirstLetter: Bool,
        stemmer: SnowballStemmer?,
        forms: [(word: [UInt8], form: Int32)] = []
    ) -> Lexicon {
        // A form that is a codebook word goes on that word's entry; the others get entries of their own.
        var formOf = [Int32](repeating: -1, count: words.count)
        var formOnly: [(word: [UInt8], form: Int32)] = []
        for entry in forms where !entry.word.isEmpty {
            if let id = ids[entry.word] { formOf[Int(id)] = entry.form } else { formOnly.append(entry) }
        }
        return Lexicon(
            words: words,
            numberValues: numberValues,
            tolerant: tolerant,
            tolerance: tolerance,
            sameFirstLetter: sameFirstLetter,
            stemmed: stemmed,
            stemmer: stemmer,
            expansions: expansions,
            formOf: formOf,
            formOnly: formOnly
        )
    }
}

/// Tolerant lexicon words bucketed by first-letter class and length, searched with a letter-set
/// pre-check and a bounded edit distance.
struct FuzzyIndex: Sendable {
    /// One tolerant word of a bucket, with what the pre-check needs next to it.
    struct Candidate: Sendable {
        var letterMask: UInt32
        var id: Int32
        /// The word's bytes start here in ``FuzzyIndex/storage`` (the bucket gives the length).
        var from: Int32
        var maxEdits: Int32
    }

    let storage: [UInt8]
    let bucketStart: [Int32]
    let candidates: [Candidate]
    let widestTolerance: Int
    let sameFirstLetter: Bool

    static let lengthSlots = 64
    static let firstClasses = 37

    init(
        storage: [UInt8],
        offsets: [Int32],
        maxEdits: [UInt8],
        letterMasks: [UInt32],
        buckets: [[Int32]],
        widestTolerance: Int,
        sameFirstLetter: Bool
    ) {
        var candidates = FlatLists<Candidate>()
        for bucket in buckets {
            candidates.append(
                bucket.lazy.map { id in
                    Candidate(letterMask: letterMasks[Int(id)], id: id, from: offsets[Int(id)], maxEdits: Int32(maxEdits[Int(id)]))
                }
            )
        }
        self.storage = storage
        self.bucketStart = candidates.starts
        self.candidates = candidates.elements
        self.widestTolerance = widestTolerance
        self.sameFirstLetter = sameFirstLetter
    }

    /// 0–25 for a–z, 26–35 for digits, 36 for anything else.
    @inline(__always)
    static func firstClass(_ first: UInt8) -> Int {
        switch first {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(first &- UInt8(ascii: "a"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 26 + Int(first &- UInt8(ascii: "0"))
        default: return 36
        }
    }

    @inline(__always)
    static func bucket(_ firstClass: Int, _ length: Int) -> Int { firstClass * lengthSlots + length }

    /// Whether more than `limit` bits of `bits` are set (`nonzeroBitCount > limit` without a
    /// population-count instruction, which the baseline x86-64 target lacks).
    @inline(__always)
    static func hasMoreBits(_ bits: UInt32, than limit: Int32) -> Bool {
        var bits = bits
        var left = limit
        while left > 0, bits != 0 {
            bits &= bits &- 1
            left -= 1
        }
        return bits != 0
    }

    /// Calls `body` with every tolerant word within its tolerance of `word`.
    @inline(__always)
    func forEachMatch(of word: UnsafeBufferPointer<UInt8>, letterMask: UInt32, _ body: (Int32) -> Void) {
        guard widestTolerance > 0, !word.isEmpty else { return }
        let classes = sameFirstLetter ? Self.firstClass(word[0])...Self.firstClass(word[0]) : 0...(Self.firstClasses - 1)
        let low = Swift.max(1, word.count - widestTolerance)
        let high = Swift.min(Self.lengthSlots - 1, word.count + widestTolerance)
        guard low <= high else { return }
        storage.withUnsafeBufferPointer { storage in
            candidates.withUnsafeBufferPointer { candidates in
                bucketStart.withUnsafeBufferPointer { bucketStart in
                    for firstClass in classes {
                        for length in low...high {
                            let b = Self.bucket(firstClass, length)
                            let gap = Int32(abs(length - word.count))
                            var k = Int(bucketStart[b])
                            let end = Int(bucketStart[b + 1])
                            while k < end {
                                let candidate = candidates[k]
                                k += 1
                                let limit = candidate.maxEdits
                                if gap > limit || Self.hasMoreBits(candidate.letterMask ^ letterMask, than: 2 * limit) { continue }
                                let from = Int(candidate.from)
                                let other = UnsafeBufferPointer(rebasing: storage[from..<(from + length)])
                                if EditDistance.bounded(word, other, limit: Int(limit)) != nil { body(candidate.id) }
                            }
                        }
                    }
                }
            }
        }
    }
}
