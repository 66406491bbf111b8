/// A kcat pipe's run: records moved and seconds from its first to last output record.
struct PipeRun {
    var count: Int
    var seconds: Double
    var wall: Double
    var rate: Double { Double(count) / seconds }
}
