import Testing

@testable import SurveyEngine

/// `SegmentedArray` (the aggregator's record store) behaves as an `Array` across segment edges.
@Suite struct SegmentedArrayTests {
    @Test func holdsWhatAnArrayHolds() {
        var segmented = SegmentedArray<[Int]>()
        var array: [[Int]] = []
        for n in 0..<3_000 {
            segmented.append([n])
            array.append([n])
            if n % 7 == 0 {
                // Changed in place, in an earlier segment too.
                segmented[n / 2].append(n)
                array[n / 2].append(n)
            }
        }
        #expect(segmented.count == array.count)
        #expect(Array(segmented) == array)
        #expect([0, 1_023, 1_024, 2_047, 2_048, 2_999].allSatisfy { n in segmented.withElement(at: n) { $0 == array[n] } })
        #expect(SegmentedArray<Int>().isEmpty)
    }
}
