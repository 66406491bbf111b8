import Foundation

/// A running process's memory as Linux reports it in `/proc/<pid>/status`.
public enum ProcessMemory {
    /// Resident set size now (`VmRSS`) in bytes, or `nil` once the process has exited.
    ///
    /// - Parameter pid: The process id; any process the test user may read `/proc/<pid>/status` of.
    /// - Returns: Bytes (the kernel reports kB, multiplied by 1,024); nil when the process is gone or not Linux.
    public static func residentBytes(pid: Int32) -> Int? { bytes("VmRSS", pid: pid) }

    /// Highest resident set size so far (`VmHWM`, the high-water mark) in bytes, or `nil` once
    /// the process has exited. This is what a container's memory limit is checked against.
    ///
    /// - Parameter pid: The process id.
    /// - Returns: Bytes (the kernel reports kB, multiplied by 1,024); nil when the process is gone or not Linux.
    public static func peakResidentBytes(pid: Int32) -> Int? { bytes("VmHWM", pid: pid) }

    private static func bytes(_ field: String, pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1_024 }
        }
        return nil
    }
}
