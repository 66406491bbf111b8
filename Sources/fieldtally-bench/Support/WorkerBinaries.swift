import Foundation

/// Where the worker executables are: beside this benchmark's own executable (the same build).
enum WorkerBinaries {
    static func directory(_ override: String?) -> URL {
        if let override { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The path of worker `name`.
    /// - Throws: `BenchError` when it is missing (build with `swift build -c release`).
    static func executable(_ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw BenchError("no \(name) in \(directory.path): build the workers first (swift build -c release), or pass --bin-dir")
        }
        return url
    }
}
