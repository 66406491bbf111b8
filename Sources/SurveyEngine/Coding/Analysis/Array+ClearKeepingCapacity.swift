extension Array {
    /// `removeAll(keepingCapacity: true)`, skipped when already empty (the common case for the
    /// analysis buffers, and the call is not free).
    @inline(__always)
    mutating func clearKeepingCapacity() {
        if !isEmpty { removeAll(keepingCapacity: true) }
    }
}
