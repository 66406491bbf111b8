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
        // Read as UTF-8 bytes: a synthetic or national frame has millions of units, and walking it by
        // `Character` took most of a worker's start-up. Separators and blanks are all ASCII.
        var csv = csv
        let read = csv.withUTF8 { bytes in Result { () throws(SurveyDefinitionError) in try Self.units(csv: bytes, source: source) } }
        self.init(units: try read.get())
    }

    private static func units(csv bytes: UnsafeBufferPointer<UInt8>, source: String) throws(SurveyDefinitionError) -> [Unit] {
        var lines = lines(of: bytes).makeIterator()
        guard let first = lines.next() else { throw SurveyDefinitionError(file: source, message: "the frame is empty") }
        let header = cells(of: first.text).map { String(decoding: $0, as: UTF8.self) }
        guard let idColumn = header.firstIndex(of: "respondent_id"), let regionColumn = header.firstIndex(of: "region") else {
            throw SurveyDefinitionError(file: source, message: "the header must name the columns respondent_id and region; it has \(header)")
        }
        var units: [Unit] = []
        while let line = lines.next() {
            let cells = cells(of: line.text)
            guard cells.count == header.count else {
                throw SurveyDefinitionError(file: source, message: "line \(line.number) has \(cells.count) fields, the header \(header.count)")
            }
            var attributes: [String: String] = [:]
            for (i, name) in header.enumerated() where i != idColumn && i != regionColumn {
                attributes[name] = String(decoding: cells[i], as: UTF8.self)
            }
            units.append(
                Unit(
                    id: String(decoding: cells[idColumn], as: UTF8.self),
                    region: String(decoding: cells[regionColumn], as: UTF8.self),
                    attributes: attributes
                )
            )
        }
        return units
    }

    /// The non-empty lines of `bytes` with their 1-based line numbers; a line ends at LF, CR or CRLF.
    private static func lines(of bytes: UnsafeBufferPointer<UInt8>) -> [(number: Int, text: UnsafeBufferPointer<UInt8>)] {
        var lines: [(number: Int, text: UnsafeBufferPointer<UInt8>)] = []
        var number = 1
        var start = 0
        var i = 0
        while i <= bytes.count {
            let end = i == bytes.count || bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r")
            if end {
                if i > start { lines.append((number, UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                if i < bytes.count, bytes[i] == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                number += 1
                start = i + 1
            }
            i += 1
        }
        return lines
    }

    /// The comma-separated cells of one line, without leading and trailing spaces and tabs.
    private static func cells(of line: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
        func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
        var cells: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        for i in 0...line.count where i == line.count || line[i] == UInt8(ascii: ",") {
            var (from, to) = (start, i)
            while from < to, isBlank(line[from]) { from += 1 }
            while to > from, isBlank(line[to - 1]) { to -= 1 }
            cells.append(UnsafeBufferPointer(rebasing: line[from..<to]))
            start = i + 1
        }
        return cells
    }
}
