import FieldTallyKafka

/// Accumulated wall and CPU time of one stage.
struct StageTime {
    var wall: Double = 0
    var cpu: Double = 0

    mutating func add(from start: CPUClock.Reading, to end: CPUClock.Reading) {
        wall += (end.wall - start.wall).seconds
        cpu += end.cpu - start.cpu
    }

    static func + (a: StageTime, b: StageTime) -> StageTime { StageTime(wall: a.wall + b.wall, cpu: a.cpu + b.cpu) }
}
