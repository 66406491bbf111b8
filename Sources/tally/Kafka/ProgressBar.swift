/// A one-line progress bar on standard error, redrawn in place.
struct ProgressBar {
    let total: Int?
    let enabled: Bool
    let label: String
    private var lastDraw = ContinuousClock.now - .seconds(1)

    init(total: Int?, enabled: Bool, label: String) {
        self.total = total
        self.enabled = enabled
        self.label = label
    }

    mutating func update(_ done: Int) {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(100) else { return }
        lastDraw = .now
        draw(done)
    }

    func finish(_ done: Int) {
        guard enabled else { return }
        draw(done)
        note("")
    }

    private func draw(_ done: Int) {
        if let total, total > 0 {
            let width = 30
            let filled = min(width, done * width / total)
            note(
                "\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(done)/\(total) \(label)",
                terminator: ""
            )
        } else {
            note("\r\(done) \(label)", terminator: "")
        }
    }
}
