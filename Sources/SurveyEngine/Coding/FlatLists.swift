/// Lists of lists stored flat, built once and read on the hot path: list `i` is
/// `elements[starts[i]..<starts[i + 1]]`, so a lookup reads two contiguous arrays instead of
/// following one small heap array per list.
struct FlatLists<Element> {
    /// Where each list starts in `elements`, then where the last one ends (`starts.count` is the
    /// number of lists plus one).
    private(set) var starts: [Int32] = [0]
    /// Every list's elements, list after list.
    private(set) var elements: [Element] = []

    /// Appends the next list.
    /// - Parameter list: its elements, in order.
    mutating func append(_ list: some Sequence<Element>) {
        elements.append(contentsOf: list)
        starts.append(Int32(elements.count))
    }
}
