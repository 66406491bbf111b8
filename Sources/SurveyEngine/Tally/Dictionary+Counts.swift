extension Dictionary where Value == Int {
    /// Adds (`sign` = 1) or subtracts (`sign` = -1) `other`'s counts, dropping counts that reach
    /// zero so equal tallies compare equal however they were reached.
    mutating func addCounts(_ other: [Key: Int], sign: Int = 1) {
        for (key, n) in other { add(sign * n, to: key) }
    }

    /// Adds `sign` to the count of every key in `keys`, dropping counts that reach zero.
    mutating func addCounts(of keys: some Sequence<Key>, sign: Int = 1) {
        for key in keys { add(sign, to: key) }
    }

    /// Adds `delta` to the count of `key` in place (one lookup), dropping it when it reaches zero.
    @inline(__always)
    mutating func add(_ delta: Int, to key: Key) {
        if Self.adding(delta, to: &self[key, default: 0]) == 0 { removeValue(forKey: key) }
    }

    @inline(__always)
    private static func adding(_ delta: Int, to count: inout Int) -> Int {
        count += delta
        return count
    }
}
