extension Dictionary where Value == Int {
    /// Adds (`sign` = 1) or subtracts (`sign` = -1) `other`'s counts, dropping counts that reach
    /// zero so equal tallies compare equal however they were reached.
    mutating func addCounts(_ other: [Key: Int], sign: Int = 1) {
        for (key, n) in other {
            let total = self[key, default: 0] + sign * n
            self[key] = total == 0 ? nil : total
        }
    }

    /// Adds `sign` to the count of every key in `keys`, dropping counts that reach zero.
    mutating func addCounts(of keys: some Sequence<Key>, sign: Int = 1) {
        for key in keys {
            let total = self[key, default: 0] + sign
            self[key] = total == 0 ? nil : total
        }
    }
}
