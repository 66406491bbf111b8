/// Every value of a numeric summary with its multiplicity: additive (merge = add counts) and
/// retractable (an edit removes the old value), so min, max and the median stay exact however
/// the values are split over partitions. On the wire: `[[value, count], …]` by value.
public struct NumericMultiset: Sendable, Hashable, Codable {
    private var counts: [Double: Int] = [:]

    /// An empty multiset.
    public init() {}

    /// A multiset holding `values`.
    ///
    /// - Parameter values: The values, repeats counted; `-0.0` and `0.0` are one value, and each NaN is its own
    ///   value that can never be removed (keep NaN out).
    public init(_ values: some Sequence<Double>) {
        for value in values { insert(value) }
    }

    /// Number of values held.
    public private(set) var count: Int = 0

    /// Whether no value is held.
    public var isEmpty: Bool { count == 0 }

    /// Adds one occurrence of `value`.
    ///
    /// - Parameter value: Any number; exact equality decides which occurrences are the same value.
    public mutating func insert(_ value: Double) {
        counts[value, default: 0] += 1
        count += 1
    }

    /// Removes one occurrence of `value`; returns false (and changes nothing) when absent.
    ///
    /// - Parameter value: The value to remove, compared exactly (`12` and `12.000001` differ).
    /// - Returns: True when an occurrence was removed.
    @discardableResult
    public mutating func remove(_ value: Double) -> Bool {
        guard let n = counts[value] else { return false }
        counts[value] = n == 1 ? nil : n - 1
        count -= 1
        return true
    }

    /// Adds every occurrence held by `other`.
    ///
    /// - Parameter other: Another multiset, e.g. another partition's values of the same summary.
    public mutating func formUnion(_ other: NumericMultiset) {
        for (value, n) in other.counts { counts[value, default: 0] += n }
        count += other.count
    }

    /// `(value, count)` pairs by ascending value.
    public var sortedCounts: [(value: Double, count: Int)] {
        counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Smallest value, or `nil` when empty.
    public var min: Double? { counts.keys.min() }

    /// Largest value, or `nil` when empty.
    public var max: Double? { counts.keys.max() }

    /// The exact median (mean of the two middle values for an even count), or `nil` when empty.
    public var median: Double? {
        guard count > 0 else { return nil }
        let lowerRank = (count - 1) / 2
        let upperRank = count / 2  // 0-based ranks of the middle value(s)
        var seen = 0
        var lower: Double?
        for (value, n) in sortedCounts {
            if lower == nil, lowerRank < seen + n { lower = value }
            if upperRank < seen + n, let lower { return (lower + value) / 2 }
            seen += n
        }
        return nil
    }

    /// Decodes `[[value, count], …]`.
    ///
    /// - Parameter decoder: A decoder holding an array of two-number arrays; pairs may come in any order and a value
    ///   may repeat (its counts add up).
    /// - Throws: `DecodingError.dataCorrupted` for a pair that is not two numbers or a count below 1.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        while !container.isAtEnd {
            let pair = try container.decode([Double].self)
            guard pair.count == 2, let n = Int(exactly: pair[1]), n > 0 else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: container.codingPath,
                        debugDescription: "expected [value, count] with a count of at least 1, got \(pair)"
                    )
                )
            }
            counts[pair[0], default: 0] += n
            count += n
        }
    }

    /// Encodes `[[value, count], …]` by ascending value.
    ///
    /// - Parameter encoder: The encoder to write the pairs to; counts are written as numbers.
    /// - Throws: What the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for (value, n) in sortedCounts { try container.encode([value, Double(n)]) }
    }
}
