/// A tally plan (and a list of regions) numbered once, so the aggregator counts into arrays
/// instead of String-keyed dictionaries: plan fields, their codes, numeric summaries, free texts,
/// cross-tab cells and regions each get a position. Also holds the changelog's member names and
/// codes already written as JSON bytes.
///
/// An `IndexedContribution` keeps its flags in one `[UInt64]` of `bitCount` words:
/// `answeredWords` words of "answered" flags (bit `f` = plan field `f`), then each field's code
/// mask (`maskStart[f]`, `maskWords[f]` words; bit `c` = the field's code `c`), then the free
/// texts answered (`freeTextStart`, bit `t` = plan free text `t`).
final class PlanLayout: Sendable {
    /// Plan field names in plan order.
    let fieldNames: [String]
    /// Each plan field's codes in plan order.
    let fieldCodes: [[String]]
    /// The position of each field's first code in the flat list of all fields' codes.
    let codeStart: [Int]
    /// The number of codes of all fields.
    let codeCount: Int
    /// Numeric summary names in plan order.
    let numericNames: [String]
    /// Free text names in plan order.
    let freeTextNames: [String]
    /// Cross-tabs: name, row field and column field positions, and the position of the first cell
    /// (row `r`, column `c` is cell `cellStart + r × column count + c`).
    let crosstabs: [(name: String, rows: Int, columns: Int, cellStart: Int)]
    /// The number of cells of all cross-tabs.
    let cellCount: Int
    /// Region names; a contribution's region must be one of them to be indexed.
    let regionNames: [String]

    /// Words of answered flags.
    let answeredWords: Int
    /// Each field's first mask word.
    let maskStart: [Int]
    /// Each field's number of mask words.
    let maskWords: [Int]
    /// The first word of free-text flags.
    let freeTextStart: Int
    /// Words in all.
    let bitCount: Int

    /// Numeric summary positions by name.
    let numericPositions: [String: Int]
    /// Region positions by name.
    let regionPositions: [String: Int]

    /// The changelog's pieces of JSON made once: member prefixes and codes, as ranges of `json`.
    let json: [UInt8]
    /// Fields in the changelog's member order (byte order of names), each with its member prefix
    /// `"name":{"answered":`: an indexed contribution holds exactly the plan's fields, so it is
    /// written in this order without sorting.
    let fieldOrder: [(position: Int, prefix: Range<Int>)]
    /// Numeric summaries in the changelog's member order, each with its member prefix `"name":`.
    let numericOrder: [(position: Int, prefix: Range<Int>)]
    /// Every code (flat, as `codeStart`) as a JSON string.
    let codeJSON: [Range<Int>]
    /// Every free text name as a JSON string.
    let freeTextJSON: [Range<Int>]

    /// Numbers `plan`, with `regions` (usually the frame's, in frame order).
    init(plan: TallyPlan, regions: [String]) {
        let fieldNames = plan.fields.map(\.name)
        let fieldCodes = plan.fields.map(\.codes)
        let numericNames = plan.numeric.map(\.name)
        let fieldPositions = Self.positions(fieldNames)
        self.fieldNames = fieldNames
        self.fieldCodes = fieldCodes
        codeStart = Self.starts(of: fieldCodes.map(\.count))
        codeCount = fieldCodes.reduce(0) { $0 + $1.count }
        self.numericNames = numericNames
        freeTextNames = plan.freeText.map(\.name)
        regionNames = regions
        numericPositions = Self.positions(numericNames)
        regionPositions = Self.positions(regions)

        var cellStart = 0
        var crosstabs: [(name: String, rows: Int, columns: Int, cellStart: Int)] = []
        for tab in plan.crosstabs {
            // The plan checks that both axes are plan fields.
            guard let rows = fieldPositions[tab.rows], let columns = fieldPositions[tab.columns] else { continue }
            crosstabs.append((tab.name, rows, columns, cellStart))
            cellStart += fieldCodes[rows].count * fieldCodes[columns].count
        }
        self.crosstabs = crosstabs
        cellCount = cellStart

        let answeredWords = Self.words(for: fieldNames.count)
        let maskWords = fieldCodes.map { Self.words(for: $0.count) }
        self.answeredWords = answeredWords
        self.maskWords = maskWords
        maskStart = Self.starts(of: maskWords).map { $0 + answeredWords }
        freeTextStart = answeredWords + maskWords.reduce(0, +)
        bitCount = freeTextStart + Self.words(for: freeTextNames.count)

        var json: [UInt8] = []
        fieldOrder = Self.sorted(fieldNames).map { ($0, Self.append(fieldNames[$0], #":{"answered":"#, to: &json)) }
        numericOrder = Self.sorted(numericNames).map { ($0, Self.append(numericNames[$0], ":", to: &json)) }
        codeJSON = fieldCodes.joined().map { Self.append($0, "", to: &json) }
        freeTextJSON = freeTextNames.map { Self.append($0, "", to: &json) }
        self.json = json
    }

    /// Whether `other` numbers everything the same way (made from an equal plan and regions), so
    /// contributions indexed with either can be counted with the other.
    func matches(_ other: PlanLayout) -> Bool {
        self === other
            || (fieldNames == other.fieldNames && fieldCodes == other.fieldCodes && numericNames == other.numericNames
                && freeTextNames == other.freeTextNames && regionNames == other.regionNames
                && crosstabs.elementsEqual(other.crosstabs) { $0 == $1 })
    }

    private static func words(for bits: Int) -> Int { (bits + 63) / 64 }

    private static func starts(of counts: [Int]) -> [Int] {
        var next = 0
        return counts.map { count in
            defer { next += count }
            return next
        }
    }

    private static func positions(_ names: [String]) -> [String: Int] {
        Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The positions of `names` in byte order of the names (the order of JSON members).
    private static func sorted(_ names: [String]) -> [Int] {
        names.indices.sorted { JSONWriter.precedes(names[$0], names[$1]) }
    }

    /// Appends `text` as a JSON string, then `suffix`, to `json`; returns where they are.
    private static func append(_ text: String, _ suffix: String, to json: inout [UInt8]) -> Range<Int> {
        let start = json.count
        JSONWriter.writeString(text, into: &json)
        json.append(contentsOf: suffix.utf8)
        return start..<json.count
    }
}

/// Reading and writing single flags in an `IndexedContribution`'s words.
extension Array where Element == UInt64 {
    /// Whether bit `bit` of the words from `start` is set.
    @inline(__always)
    func hasBit(_ bit: Int, from start: Int = 0) -> Bool {
        self[start + bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// Sets bit `bit` of the words from `start`.
    @inline(__always)
    mutating func setBit(_ bit: Int, from start: Int = 0) {
        self[start + bit >> 6] |= 1 << UInt64(bit & 63)
    }

    /// Calls `body` with each set bit of the `count` words from `start`, in ascending order.
    @inline(__always)
    func forEachBit(from start: Int, words count: Int, _ body: (Int) -> Void) {
        for word in 0..<count {
            var bits = self[start + word]
            while bits != 0 {
                body(word << 6 + bits.trailingZeroBitCount)
                bits &= bits &- 1
            }
        }
    }
}
