import Foundation

/// The machine's load averages (`/proc/loadavg`): benchmarks print them at start and end
/// because the machine is shared and a busy neighbour slows every figure down.
struct MachineLoad: CustomStringConvertible {
    /// 1, 5 and 15 minute load averages, as the kernel wrote them.
    var averages: String
    /// Online processors.
    var cores: Int

    /// Reads the load now (`?` where `/proc/loadavg` cannot be read, e.g. on macOS).
    static func now() -> MachineLoad {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "? ? ?"
        let fields = text.split(separator: " ").prefix(3).joined(separator: " ")
        return MachineLoad(averages: fields, cores: ProcessInfo.processInfo.activeProcessorCount)
    }

    var description: String { "load \(averages) on \(cores) cores" }
}
