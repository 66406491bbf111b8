import Foundation

/// Finds the Tansu broker binary.
public enum BrokerBinary {
    /// The package root (this file is `Sources/FieldTallyTestKit/BrokerBinary.swift`).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `$TALLY_TANSU` when set, else `<package root>/.tools/bin/tansu`.
    ///
    /// - Throws: ``BrokerError`` saying to run `Deploy/setup.sh` when it is missing.
    public static func locate() throws -> URL {
        let candidate: URL
        if let path = ProcessInfo.processInfo.environment["TALLY_TANSU"], !path.isEmpty {
            candidate = URL(fileURLWithPath: path)
        } else {
            candidate = packageRoot.appendingPathComponent(".tools/bin/tansu")
        }
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw BrokerError(
                "Tansu broker not found at \(candidate.path): run Deploy/setup.sh (or set TALLY_TANSU to the tansu binary)"
            )
        }
        return candidate
    }
}
