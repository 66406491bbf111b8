import Foundation

/// Wall-clock and this process's CPU time together: on a shared machine the CPU time says what
/// the work costs, the wall time what it took while neighbours competed for the cores. The
/// measured work runs on one thread; the runtime's other threads are idle meanwhile.
struct CPUClock {
    struct Reading {
        var wall: ContinuousClock.Instant
        var cpu: Double
    }

    /// The time now on both clocks.
    static func now() -> Reading { Reading(wall: .now, cpu: processCPUSeconds()) }

    /// CPU seconds this process has used (`CLOCK_PROCESS_CPUTIME_ID`; unlike the thread clock it
    /// stays right when an async function resumes on another thread).
    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`, or
    /// `nil` when it cannot be read.
    static func processCPUSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
