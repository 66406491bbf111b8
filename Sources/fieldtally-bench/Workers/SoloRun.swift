/// One worker alone on pre-produced input.
struct SoloRun {
    var inputs: Int
    var outputs: Int
    /// First batch taken → last output record's timestamp.
    var seconds: Double
    var startMilliseconds: Int64?
    var cpuSeconds: Double?
    /// Highest resident memory of the worker process over its run (`VmHWM`).
    var peakResidentBytes: Int?
    var log: String
    var rate: Double { Double(inputs) / seconds }
}
