/// A failure `tally offline` reports as `Error: <description>` with exit status 1.
struct OfflineFailure: Error, CustomStringConvertible {
    var description: String
}
