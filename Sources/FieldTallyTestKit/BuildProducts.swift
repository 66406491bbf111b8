import Foundation

/// Executables built next to the running test bundle (`swift build --build-tests`
/// builds them all), for tests that run a program as a separate process.
public enum BuildProducts {
    /// The build products directory: where the running executable lives.
    public static var directory: URL {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable)
        // On macOS the tests run inside an .xctest bundle directory: step out of it.
        // On Linux the .xctest file is itself the executable.
        while url.pathComponents.dropLast().contains(where: { $0.hasSuffix(".xctest") }) { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent()
    }

    /// The built executable `name`.
    ///
    /// - Parameter name: The product's name, e.g. `tally-validate` or `tally`.
    /// - Returns: Its path in ``directory``.
    /// - Throws: ``BrokerError`` saying to run `swift build --build-tests` when it is missing.
    public static func executable(named name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw BrokerError("\(name) not found in \(directory.path): run `swift build --build-tests` before `swift test`")
        }
        return url
    }
}
