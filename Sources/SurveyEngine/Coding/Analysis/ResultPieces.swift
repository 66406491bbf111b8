/// Parts of coding results that recur from submission to submission — a field's code list for
/// one set of codes, the concrete path of a wildcard source for one member — built once and then
/// shared by every result that needs them (strings and arrays are immutable values, shared by
/// reference), so a result allocates, and later frees, fewer objects.
///
/// Owned by one ``AnalysisWorkspace`` (never shared between threads); bounded: each table is
/// emptied when it reaches ``capacity`` entries.
struct ResultPieces {
    /// Entries kept per table at most.
    static let capacity = 1024

    private struct PathKey: Hashable {
        var field: Int32
        var source: Int32
        var member: String
    }

    private var codeLists: [UInt64: [String]] = [:]
    private var paths: [PathKey: String] = [:]

    /// The code list of field `field` (below 256) whose codes are the set `mask` (bit = label
    /// index, labels below 56 only), built by `build` the first time.
    mutating func codeList(field: Int, mask: UInt64, build: () -> [String]) -> [String] {
        let key = UInt64(truncatingIfNeeded: field) << 56 | mask
        if let list = codeLists[key] { return list }
        let list = build()
        if codeLists.count >= Self.capacity { codeLists.removeAll(keepingCapacity: true) }
        codeLists[key] = list
        return list
    }

    /// The concrete path of source `source` of field `field` under the wildcard member `member`
    /// (a path with one wildcard), built by `build` the first time.
    mutating func path(field: Int32, source: Int32, member: String, build: () -> String) -> String {
        let key = PathKey(field: field, source: source, member: member)
        if let path = paths[key] { return path }
        let path = build()
        if paths.count >= Self.capacity { paths.removeAll(keepingCapacity: true) }
        paths[key] = path
        return path
    }
}
