import Foundation

/// A throwaway certificate authority and a server certificate it signed for `127.0.0.1` and
/// `localhost`, made with the `openssl` command-line tool in a fresh temporary folder, for tests
/// that speak TLS to the broker (see ``TLSTunnel``).
///
/// Keys are unencrypted RSA 2048 and the certificates are valid for two days; nothing here is fit
/// for anything but a test. The folder is left for the operating system's temporary-file cleanup,
/// so a failing test's files can still be looked at.
public struct TestCertificates: Sendable {
    /// The folder holding every file.
    public let directory: URL
    /// The authority's certificate (PEM): what a client gives as `ssl.ca.location`.
    public let authority: URL
    /// The server's certificate (PEM), signed by ``authority``.
    public let serverCertificate: URL
    /// The server's private key (PEM, unencrypted).
    public let serverKey: URL

    /// Makes a new authority and a server certificate signed by it.
    ///
    /// - Parameter name: The authority's common name, also the start of the folder's name. Default: `FieldTally test CA`.
    /// - Returns: The files, in a new folder under the temporary directory.
    /// - Throws: ``BrokerError`` when `openssl` is missing (run `Deploy/setup.sh`) or one of its steps fails (with its output).
    public static func make(name: String = "FieldTally test CA") throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let authority = try makeAuthority(name: name, in: directory)
        let file = { (name: String) in directory.appendingPathComponent(name) }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(to: file("server.ext"), atomically: true, encoding: .utf8)
        try openssl(
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            in: directory
        )
        try openssl(
            [
                "x509", "-req", "-in", "server.csr", "-CA", authority.lastPathComponent, "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            ],
            in: directory
        )
        return TestCertificates(directory: directory, authority: authority, serverCertificate: file("server.pem"), serverKey: file("server.key"))
    }

    /// Makes a self-signed authority on its own, in a new temporary folder: a client trusting only it
    /// must refuse a server whose certificate another authority signed.
    ///
    /// - Parameter name: The authority's common name. Default: `Another test CA`.
    /// - Returns: The authority's certificate (PEM).
    /// - Throws: ``BrokerError`` when `openssl` is missing or fails.
    public static func makeUnrelatedAuthority(name: String = "Another test CA") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try makeAuthority(name: name, in: directory)
    }

    /// `ca.key` and `ca.pem` (self-signed, two days) in `directory`; returns `ca.pem`.
    private static func makeAuthority(name: String, in directory: URL) throws -> URL {
        try openssl(
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=\(name)"],
            in: directory
        )
        return directory.appendingPathComponent("ca.pem")
    }

    /// Runs `openssl arguments` in `directory` and throws with its output when it fails.
    private static func openssl(_ arguments: [String], in directory: URL) throws {
        guard let binary = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw BrokerError("openssl is not installed: run Deploy/setup.sh") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BrokerError("openssl \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus):\n\(text)")
        }
    }
}
