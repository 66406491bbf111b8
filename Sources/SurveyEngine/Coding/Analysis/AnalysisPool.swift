import Foundation

/// The per-call working state of a ``Coder``, kept between calls: the analysis buffers, the
/// misspelling memo and the list of texts found, so coding a submission neither allocates them
/// again nor repeats a misspelling search for a word it has already seen.
final class AnalysisWorkspace {
    var analysis = TextAnalysis()
    var texts = SourceTree.Texts()
    var present: [Bool] = []
    var pieces = ResultPieces()
}

/// Idle ``AnalysisWorkspace``s of one ``Coder``: each call takes one (or makes a new one) and
/// puts it back, so concurrent calls never share one and a workspace serves one thread at a time.
/// Keeps at most ``capacity`` idle workspaces (more concurrent calls simply make their own).
final class AnalysisPool: @unchecked Sendable {
    // @unchecked: `idle` is only read or written while `lock` is held, and a workspace taken out
    // is owned by that one caller until it is put back.
    private let lock = NSLock()
    private var idle: [AnalysisWorkspace] = []

    /// Idle workspaces kept at most.
    static let capacity = 64

    /// Runs `body` with a workspace no other call is using.
    func withWorkspace<Result>(_ body: (AnalysisWorkspace) -> Result) -> Result {
        lock.lock()
        let workspace = idle.popLast() ?? AnalysisWorkspace()
        lock.unlock()
        defer {
            lock.lock()
            if idle.count < Self.capacity { idle.append(workspace) }
            lock.unlock()
        }
        return body(workspace)
    }
}
