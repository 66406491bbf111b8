/// An array kept in segments of 1,024 elements: appending never moves the elements held, so the
/// aggregator's respondent records (about 300 bytes each) are never copied as the array grows, and
/// growing never needs the old and the new storage at once, as a doubling single array would.
struct SegmentedArray<Element>: RandomAccessCollection, MutableCollection {
    /// log2 of the segment size.
    private static var segmentBits: Int { 10 }
    /// Each segment's capacity.
    private static var segmentSize: Int { 1 << segmentBits }

    private var segments: [[Element]] = []

    /// An empty array.
    init() {}

    /// The number of elements.
    private(set) var count = 0

    /// The position of the first element (0).
    var startIndex: Int { 0 }

    /// The position after the last element (`count`).
    var endIndex: Int { count }

    /// The element at `position`, changed in place.
    subscript(position: Int) -> Element {
        get { segments[position >> Self.segmentBits][position & (Self.segmentSize - 1)] }
        _modify { yield &segments[position >> Self.segmentBits][position & (Self.segmentSize - 1)] }
    }

    /// Calls `body` with the element at `position` read in place (the subscript's getter copies it).
    func withElement<Result>(at position: Int, _ body: (borrowing Element) -> Result) -> Result {
        segments[position >> Self.segmentBits].withUnsafeBufferPointer { body($0[position & (Self.segmentSize - 1)]) }
    }

    /// Adds `element` at the end.
    mutating func append(_ element: Element) {
        if count & (Self.segmentSize - 1) == 0 {
            segments.append([])
            segments[segments.count - 1].reserveCapacity(Self.segmentSize)
        }
        segments[segments.count - 1].append(element)
        count += 1
    }
}

extension SegmentedArray: Sendable where Element: Sendable {}
