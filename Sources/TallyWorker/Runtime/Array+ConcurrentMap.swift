import Foundation

extension Array where Element: Sendable {
    /// `transform` of every element, in order, computed in up to `ways` contiguous chunks at once
    /// on the cooperative pool (default: one per core). Arrays too small to give every chunk
    /// `minimumChunk` elements are mapped in place.
    ///
    /// A worker's per-record work (parsing, validating, coding) is independent from record to
    /// record, so a batch can use every core; what must stay in order (aggregation) stays serial.
    func concurrentMap<T: Sendable>(
        ways: Int = ProcessInfo.processInfo.activeProcessorCount,
        minimumChunk: Int = 64,
        _ transform: @escaping @Sendable (Element) -> T
    ) async -> [T] {
        let chunks = Swift.min(ways, count / Swift.max(1, minimumChunk))
        guard chunks > 1 else { return map(transform) }
        let size = (count + chunks - 1) / chunks
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for chunk in 0..<chunks {
                let slice = self[(chunk * size)..<Swift.min(count, (chunk + 1) * size)]
                group.addTask { (chunk, slice.map(transform)) }
            }
            var parts = [[T]](repeating: [], count: chunks)
            for await (chunk, part) in group { parts[chunk] = part }
            return [T](parts.joined())
        }
    }
}
