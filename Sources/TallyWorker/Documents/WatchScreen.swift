import SurveyEngine

/// The screen `tally watch` draws in a terminal: a headline that always stays on top (status,
/// response rate against the frame, completeness, freshness, regions), the report's blocks
/// (fields, free texts, numeric summaries, cross-tabs, messages) paged into the rows left, and a
/// footer with the page and the keys. Pure layout: every line fits the width and there are
/// exactly as many lines as the terminal has rows, so a redraw overwrites the last frame.
public struct WatchScreen: Sendable {
    /// What the reader knows beside the document: how complete and how fresh it is.
    public struct Status: Sendable, Hashable {
        /// Partitions whose partial has been read.
        public var partitionsReported: Int
        /// Partitions of the tallies topic, once known.
        public var partitionsTotal: Int?
        /// Seconds since the last new partial, or `nil` before the first.
        public var secondsSinceUpdate: Int?

        /// A status.
        ///
        /// - Parameters:
        ///   - partitionsReported: Partitions whose partial has been read.
        ///   - partitionsTotal: Partitions of the tallies topic, or nil while unknown. Default: nil.
        ///   - secondsSinceUpdate: Seconds since the last new partial, or nil before the first. Default: nil.
        public init(partitionsReported: Int, partitionsTotal: Int? = nil, secondsSinceUpdate: Int? = nil) {
            self.partitionsReported = partitionsReported
            self.partitionsTotal = partitionsTotal
            self.secondsSinceUpdate = secondsSinceUpdate
        }
    }

    /// The keys' summary the footer shows after the page number.
    public static let keysHelp = "n/space/PgDn next · p/b/PgUp previous · q quit"

    private let document: TallyDocument
    private let status: Status
    private let blocks: [TallyDocument.TextBlock]

    /// A screen of `document`.
    ///
    /// - Parameters:
    ///   - document: The merged tally document to show.
    ///   - status: Completeness and freshness for the headline.
    ///   - fields: Only these fields, free texts, numeric summaries and cross-tabs (check them with
    ///     ``unknownFields(_:in:)`` first), or nil for everything. Default: nil.
    public init(document: TallyDocument, status: Status, fields: [String]? = nil) {
        self.document = document
        self.status = status
        blocks = document.textBlocks(selecting: fields.map(Set.init))
    }

    /// The names in `fields` that `document` does not have, in the order given.
    ///
    /// - Parameters:
    ///   - fields: Names a user asked for (`--fields`).
    ///   - document: A document of the survey (an empty tally has every name).
    /// - Returns: The unknown names; empty when all are known.
    public static func unknownFields(_ fields: [String], in document: TallyDocument) -> [String] {
        let known = Set(document.textBlockNames)
        return fields.filter { !known.contains($0) }
    }

    /// How many pages the blocks take in a terminal of this size (at least 1).
    ///
    /// - Parameters:
    ///   - width: Columns.
    ///   - height: Rows.
    /// - Returns: The number of pages ``render(width:height:page:)`` can show.
    public func pageCount(width: Int, height: Int) -> Int {
        pages(bodyHeight: bodyHeight(width: width, height: height)).count
    }

    /// The lines of one page: the headline, the page's blocks, blank rows, the footer.
    ///
    /// - Parameters:
    ///   - width: Columns; every line is at most this long (longer ones end in `…`).
    ///   - height: Rows; exactly this many lines are returned (none for 0 or less).
    ///   - page: The page, from 0; clamped to the pages there are.
    /// - Returns: `height` lines without newlines.
    public func render(width: Int, height: Int, page: Int) -> [String] {
        guard height > 0 else { return [] }
        let width = max(width, 1)
        let headline = headline(width: width)
        let pages = pages(bodyHeight: bodyHeight(width: width, height: height))
        let index = min(max(page, 0), pages.count - 1)
        let footer = "page \(index + 1)/\(pages.count) · " + Self.keysHelp
        var body = pages[index]
        let room = max(0, height - headline.count - 1)
        body += Array(repeating: "", count: max(0, room - body.count))
        let lines = Array((headline + body.prefix(room)).prefix(height - 1)) + [footer]
        return lines.map { Self.fit($0, width) }
    }

    private func headline(width: Int) -> [String] {
        var completeness = "partitions: \(status.partitionsReported)"
        if let total = status.partitionsTotal {
            completeness += " of \(total) reported" + (status.partitionsReported >= total ? " (complete)" : " (incomplete)")
        } else {
            completeness += " reported"
        }
        let freshness = status.secondsSinceUpdate.map { "last update \($0) s ago" } ?? "waiting for the first partial"
        var lines = [
            document.textStatusLine(),
            document.textResponseRateLine(),
            "\(completeness) · received \(document.paradata.received) messages · \(freshness)",
        ]
        let regions = document.textRegionsLine()
        if !regions.isEmpty { lines.append(regions) }
        lines.append(String(repeating: "─", count: width))
        return lines
    }

    private func bodyHeight(width: Int, height: Int) -> Int {
        max(1, height - headline(width: max(width, 1)).count - 1)
    }

    /// The blocks laid out in pages of `bodyHeight` rows: blocks that fit share a page (a blank
    /// row between them); a block taller than a page is cut, each further part titled
    /// "(continued)".
    private func pages(bodyHeight: Int) -> [[String]] {
        var pages: [[String]] = []
        var current: [String] = []
        func place(_ lines: [String]) {
            let needed = lines.count + (current.isEmpty ? 0 : 1)
            if current.count + needed > bodyHeight && !current.isEmpty {
                pages.append(current)
                current = []
            }
            if !current.isEmpty { current.append("") }
            current += lines
        }
        for block in blocks {
            if block.lines.count <= bodyHeight {
                place(block.lines)
                continue
            }
            let title = block.lines.first ?? block.name
            var rest = block.lines[...]
            var first = true
            while !rest.isEmpty {
                let header = first ? [] : ["\(title) (continued)"]
                let take = max(1, bodyHeight - header.count)
                place(header + rest.prefix(take))
                rest = rest.dropFirst(take)
                first = false
            }
        }
        if !current.isEmpty || pages.isEmpty { pages.append(current) }
        return pages
    }

    private static func fit(_ line: String, _ width: Int) -> String {
        line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }
}
