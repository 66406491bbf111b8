/// The population frame: every unit that may respond, with the region it belongs to.
///
/// Loaded from a CSV whose header names at least `respondent_id` and `region`
/// (other columns are kept as attributes). Fields are plain (no quoted commas).
public struct Frame: Sendable, Hashable {
    /// One unit of the frame: a possible respondent.
    public struct Unit: Sendable, Hashable {
        /// The unit's id, the value of `respondent_id` in submissions and the Kafka key (e.g. `E06000001`).
        public var id: String
        /// The region the unit belongs to, the `region` column; response rates are reported per region.
        public var region: String
        /// The other columns of its row, by header name (e.g. `name`, `type`).
        public var attributes: [String: String]
    }

    /// Units in file order.
    public private(set) var units: [Unit]
    private var index: [String: Int]
    /// The frame's regions in first-seen order.
    let regionNames: [String]
    /// Each unit's region as a position in `regionNames`, by unit position.
    private var unitRegions: [Int32]

    /// Number of units: the base of the response rate.
    public var count: Int { units.count }

    /// The unit with this id, or `nil` when it is not in the frame.
    ///
    /// - Parameter id: A respondent id, compared exactly (case and surrounding spaces matter).
    /// - Returns: The unit; when the frame lists an id twice, its first row.
    public func unit(_ id: String) -> Unit? { index[id].map { units[$0] } }

    /// Whether `id` is in the frame.
    ///
    /// - Parameter id: A respondent id, compared exactly.
    public func contains(_ id: String) -> Bool { index[id] != nil }

    /// The position in `units` of the unit with this id, or `nil` when it is not in the frame.
    func position(of id: String) -> Int? { index[id] }

    /// The region of the unit at `position` (in `units`), as a position in `regionNames`.
    func regionNumber(ofUnitAt position: Int) -> Int { Int(unitRegions[position]) }

    /// Regions in first-seen order with the number of units in each.
    public var regions: [(name: String, size: Int)] {
        var sizes = [Int](repeating: 0, count: regionNames.count)
        for number in unitRegions { sizes[Int(number)] += 1 }
        return zip(regionNames, sizes).map { ($0, $1) }
    }

    /// A frame of `units`, in the order given.
    ///
    /// - Parameter units: The units; an id listed twice is counted twice in ``count`` and ``regions`` but found
    ///   as its first occurrence. Regions are numbered in the order they first appear.
    public init(units: [Unit]) {
        self.units = units
        self.index = Dictionary(units.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var names: [String] = []
        var numbers: [String: Int32] = [:]
        self.unitRegions = units.map { unit in
            if let number = numbers[unit.region] { return number }
            let number = Int32(names.count)
            numbers[unit.region] = number
            names.append(unit.region)
            return number
        }
        self.regionNames = names
    }

    /// Parses frame CSV text.
    ///
    /// The header must name `respondent_id` and `region` (any order, other columns kept as attributes). Cells
    /// are split at every comma (no quoting) and trimmed of spaces, tabs and carriage returns; blank lines are skipped.
    ///
    /// - Parameters:
    ///   - csv: The file's text, header first.
    ///   - source: The file's name for error messages. Default: `frame`.
    /// - Throws: `SurveyDefinitionError` naming the line when the header lacks a column or a row is short.
    public init(csv: String, source: String = "frame") throws(SurveyDefinitionError) {
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw SurveyDefinitionError(file: source, message: "the frame is empty") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard let idColumn = header.firstIndex(of: "respondent_id"), let regionColumn = header.firstIndex(of: "region") else {
            throw SurveyDefinitionError(file: source, message: "the header must name the columns respondent_id and region; it has \(header)")
        }
        var units: [Unit] = []
        units.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard cells.count == header.count else {
                throw SurveyDefinitionError(file: source, message: "line \(n + 2) has \(cells.count) fields, the header \(header.count)")
            }
            var attributes: [String: String] = [:]
            for (i, name) in header.enumerated() where i != idColumn && i != regionColumn { attributes[name] = cells[i] }
            units.append(Unit(id: cells[idColumn], region: cells[regionColumn], attributes: attributes))
        }
        self.init(units: units)
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns. Walks indices from both
    /// ends and copies the remaining text once, so trimming costs the blanks plus one copy; a frame
    /// has a few cells per unit and hundreds of thousands of units.
    func trimmingWhitespace() -> String {
        func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" }
        var start = startIndex
        var end = endIndex
        while start < end, isBlank(self[start]) { start = index(after: start) }
        while end > start, isBlank(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
