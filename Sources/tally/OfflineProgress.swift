import Foundation

/// Progress on standard error for long files: a line every two seconds, and a summary at the end
/// when the run took more than two seconds.
struct OfflineProgress {
    let enabled: Bool
    let start = Date()
    var last = Date()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    mutating func tick(_ processed: Int) {
        guard enabled, processed % 1024 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 2 else { return }
        last = now
        report(processed, at: now)
    }

    func finish(_ processed: Int) {
        let now = Date()
        if enabled && now.timeIntervalSince(start) >= 2 { report(processed, at: now) }
    }

    private func report(_ processed: Int, at now: Date) {
        let seconds = max(now.timeIntervalSince(start), 0.001)
        FileHandle.standardError.write(Data("tally offline: \(processed) messages, \(Int(Double(processed) / seconds)) per second\n".utf8))
    }
}
