/// Remembers the misspelling search (``Lexicon/alternatives(of:)``) and the stem of unknown
/// words, so a word seen again (the same filler words recur across the texts of a stream) costs
/// one probe instead of an edit-distance scan and a call into the stemmer.
///
/// Exact: an entry matches only when the hash, the length and every byte agree. Bounded: a fixed
/// direct-mapped table (a new word overwrites the one in its slot). Not shared between threads:
/// each ``TextAnalysis`` owns one (see ``AnalysisPool``). Storage is allocated on first use.
struct SpellingMemo: ~Copyable {
    /// Slots in the table (a power of two).
    static let slotCount = 2048
    /// Longer words are not remembered (they are rare and cheap to reject by length).
    static let maxWordLength = 24

    private struct Entry {
        var hash: UInt64
        var alternative0: Int32
        var alternative1: Int32
        var stem: Int32
        /// 0 = empty slot.
        var length: UInt8
    }

    // Raw memory rather than arrays: a probe then costs no reference counting.
    private var entries: UnsafeMutablePointer<Entry>? = nil
    private var keys: UnsafeMutablePointer<UInt8>? = nil

    init() {}

    deinit {
        entries?.deallocate()
        keys?.deallocate()
    }

    /// The remembered alternatives of `word` (hashed with ``TextScanner/hash(_:)``), or `nil`
    /// when it is not remembered (then search and call ``remember(_:of:hash:)``).
    @inline(__always)
    mutating func alternatives(of word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (Int32, Int32, stem: Int32)? {
        let length = word.count
        guard length > 0, length <= Self.maxWordLength else { return nil }
        let entries: UnsafeMutablePointer<Entry>
        let keys: UnsafeMutablePointer<UInt8>
        if let existing = self.entries, let existingKeys = self.keys {
            entries = existing
            keys = existingKeys
        } else {
            entries = .allocate(capacity: Self.slotCount)
            entries.initialize(repeating: Entry(hash: 0, alternative0: -1, alternative1: -1, stem: -1, length: 0), count: Self.slotCount)
            keys = .allocate(capacity: Self.slotCount * Self.maxWordLength)
            keys.initialize(repeating: 0, count: Self.slotCount * Self.maxWordLength)
            self.entries = entries
            self.keys = keys
        }
        let slot = Self.slot(hash)
        let entry = entries[slot]
        guard entry.hash == hash, Int(entry.length) == length else { return nil }
        let key = keys + slot * Self.maxWordLength
        var k = 0
        while k < length, key[k] == word[k] { k += 1 }
        return k == length ? (entry.alternative0, entry.alternative1, entry.stem) : nil
    }

    /// Remembers the alternatives and stem of `word`, replacing whatever its slot held.
    @inline(__always)
    mutating func remember(_ alternatives: (Int32, Int32, stem: Int32), of word: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        let length = word.count
        guard length > 0, length <= Self.maxWordLength, let entries, let keys else { return }
        let slot = Self.slot(hash)
        entries[slot] = Entry(
            hash: hash,
            alternative0: alternatives.0,
            alternative1: alternatives.1,
            stem: alternatives.stem,
            length: UInt8(length)
        )
        let key = keys + slot * Self.maxWordLength
        for k in 0..<length { key[k] = word[k] }
    }

    /// The lexicon's table uses the low bits of the same hash; the memo takes its slot from the high bits.
    @inline(__always)
    private static func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 40) & (slotCount - 1) }
}
