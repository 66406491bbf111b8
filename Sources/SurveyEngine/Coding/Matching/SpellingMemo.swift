/// Remembers the misspelling search (``Lexicon/alternatives(of:)``) for unknown words, so a word
/// seen again (the same filler words recur across the texts of a stream) costs one probe instead
/// of an edit-distance scan.
///
/// Exact: an entry matches only when the hash, the length and every byte agree. Bounded: a fixed
/// direct-mapped table (a new word overwrites the one in its slot). Not shared between threads:
/// each ``TextAnalysis`` owns one (see ``AnalysisPool``). Storage is allocated on first use.
struct SpellingMemo {
    /// Slots in the table (a power of two).
    static let slotCount = 2048
    /// Longer words are not remembered (they are rare and cheap to reject by length).
    static let maxWordLength = 24

    private struct Entry {
        var hash: UInt64
        var alternative0: Int32
        var alternative1: Int32
        /// 0 = empty slot.
        var length: UInt8
    }

    private var entries: [Entry] = []
    private var keys: [UInt8] = []

    /// The remembered alternatives of `word` (hashed with ``TextScanner/hash(_:)``), or `compute()`'s
    /// answer, remembered for next time.
    @inline(__always)
    mutating func alternatives(of word: UnsafeBufferPointer<UInt8>, hash: UInt64,
                               compute: (UnsafeBufferPointer<UInt8>) -> (Int32, Int32)) -> (Int32, Int32) {
        let length = word.count
        guard length > 0, length <= Self.maxWordLength else { return compute(word) }
        if entries.isEmpty {
            entries = Array(repeating: Entry(hash: 0, alternative0: -1, alternative1: -1, length: 0), count: Self.slotCount)
            keys = Array(repeating: 0, count: Self.slotCount * Self.maxWordLength)
        }
        // The lexicon's table uses the low bits of the same hash; take the slot from the high bits.
        let slot = Int(truncatingIfNeeded: hash >> 40) & (Self.slotCount - 1)
        let base = slot * Self.maxWordLength
        let found = entries.withUnsafeBufferPointer { entries -> (Int32, Int32)? in
            let entry = entries[slot]
            guard entry.hash == hash, Int(entry.length) == length else { return nil }
            let same = keys.withUnsafeBufferPointer { keys in
                var k = 0
                while k < length {
                    if keys[base + k] != word[k] { return false }
                    k += 1
                }
                return true
            }
            return same ? (entry.alternative0, entry.alternative1) : nil
        }
        if let found { return found }
        let result = compute(word)
        entries[slot] = Entry(hash: hash, alternative0: result.0, alternative1: result.1, length: UInt8(length))
        keys.withUnsafeMutableBufferPointer { keys in
            for k in 0..<length { keys[base + k] = word[k] }
        }
        return result
    }
}
