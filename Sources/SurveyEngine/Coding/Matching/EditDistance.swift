/// Optimal string alignment distance (Levenshtein plus swaps of two neighbouring letters),
/// the measure behind misspelling tolerance: "saftey" is 1 from "safety", "restortive" 1 from
/// "restorative".
enum EditDistance {
    /// The distance between two strings, compared as UTF-8 bytes (for messages and compile time).
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in bounded(x, y, limit: max(x.count, y.count)) ?? max(x.count, y.count) }
        }
    }

    /// The distance between `a` and `b` when it is at most `limit`, else `nil`.
    /// Allocation-free for words up to 63 bytes (longer words return `nil`).
    static func bounded(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, limit: Int) -> Int? {
        let n = a.count
        let m = b.count
        if abs(n - m) > limit { return nil }
        if n == 0 || m == 0 { return max(n, m) <= limit ? max(n, m) : nil }
        if limit == 1 { return withinOne(a, b) }
        guard n < 64, m < 64 else { return nil }
        // Three rolling rows of the dynamic programme, on the stack.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { rows -> Int? in
            var previous2 = 0
            var previous = m + 1
            var current = 2 * (m + 1)
            for j in 0...m { rows[previous + j] = j }
            for i in 1...n {
                rows[current] = i
                var rowMinimum = i
                for j in 1...m {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = Swift.min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        value = Swift.min(value, rows[previous2 + j - 2] + 1)
                    }
                    rows[current + j] = value
                    rowMinimum = Swift.min(rowMinimum, value)
                }
                if rowMinimum > limit { return nil }
                (previous2, previous, current) = (previous, current, previous2)
            }
            let distance = rows[previous + m]
            return distance <= limit ? distance : nil
        }
    }

    /// Linear-time check for distance 0 or 1 (the common case).
    private static func withinOne(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = a.count
        let m = b.count
        var i = 0
        while i < n, i < m, a[i] == b[i] { i += 1 }
        if i == n, i == m { return 0 }
        if n == m {
            // One substitution, or one swap of neighbours.
            if a[(i + 1)...].elementsEqual(b[(i + 1)...]) { return 1 }
            if i + 1 < n, a[i] == b[i + 1], a[i + 1] == b[i], a[(i + 2)...].elementsEqual(b[(i + 2)...]) { return 1 }
            return nil
        }
        // One insertion or deletion.
        if n == m + 1 { return a[(i + 1)...].elementsEqual(b[i...]) ? 1 : nil }
        if m == n + 1 { return b[(i + 1)...].elementsEqual(a[i...]) ? 1 : nil }
        return nil
    }
}
