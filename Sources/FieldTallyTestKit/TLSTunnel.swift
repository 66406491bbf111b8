import Foundation

/// Debian's `stunnel4` on a free loopback port, ending TLS with a ``TestCertificates`` server
/// certificate and forwarding plain TCP to a broker's port: a TLS listener in front of Tansu
/// (whose own TLS listener does not accept librdkafka).
///
/// Made by ``TestBroker/startBehindTLS(timeout:)``, which also has Tansu advertise this port, so
/// clients that look the broker up in the metadata reconnect through TLS too. A watchdog kills
/// stunnel when the test process disappears.
public final class TLSTunnel: Sendable {
    /// The port clients connect to with TLS.
    public let port: Int
    /// The authority and server certificate stunnel presents.
    public let certificates: TestCertificates
    /// Where stunnel logs (every connection, and every failed handshake).
    public let logFile: URL
    private let process: Process

    /// The librdkafka properties of a client that trusts ``certificates``'s authority:
    /// `security.protocol=ssl` and `ssl.ca.location`.
    public var clientProperties: [String: String] {
        ["security.protocol": "ssl", "ssl.ca.location": certificates.authority.path]
    }

    /// Starts stunnel on a free loopback port, forwarding to `127.0.0.1:targetPort`, and waits
    /// (at most 10 s) until it accepts connections. Nothing needs to listen on `targetPort` yet:
    /// stunnel connects there per client connection.
    ///
    /// - Parameters:
    ///   - targetPort: The plain-TCP port behind the tunnel (the broker's listener).
    ///   - certificates: The certificate and key to present.
    /// - Returns: The running tunnel.
    /// - Throws: ``BrokerError`` when `stunnel4` is missing (run `Deploy/setup.sh`), exits, or does
    ///   not listen in time (with its log's tail).
    public static func start(forwardingTo targetPort: Int, certificates: TestCertificates) async throws -> TLSTunnel {
        guard let binary = ["/usr/bin/stunnel4", "/usr/bin/stunnel"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw BrokerError("stunnel4 is not installed: run Deploy/setup.sh (the TLS tests put it in front of Tansu)") }
        let port = try freeLoopbackPort()
        let directory = certificates.directory
        let configuration = directory.appendingPathComponent("stunnel-\(port).conf")
        try """
        foreground = yes
        pid =
        [kafka]
        accept = 127.0.0.1:\(port)
        connect = 127.0.0.1:\(targetPort)
        cert = \(certificates.serverCertificate.path)
        key = \(certificates.serverKey.path)

        """.write(to: configuration, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("stunnel-\(port).log")
        let process = try PipelineCommand.launch(
            URL(fileURLWithPath: binary),
            [configuration.path],
            environment: ProcessInfo.processInfo.environment,
            output: log,
            errors: log
        )
        let tunnel = TLSTunnel(port: port, certificates: certificates, logFile: log, process: process)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline && process.isRunning {
            if let fd = try? connectedLoopbackSocket(port: port) {
                close(fd)
                return tunnel
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        tunnel.stop()
        let tail = String(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(2_000))
        throw BrokerError("stunnel did not listen on 127.0.0.1:\(port) within 10 s; log \(log.path):\n\(tail)")
    }

    private init(port: Int, certificates: TestCertificates, logFile: URL, process: Process) {
        self.port = port
        self.certificates = certificates
        self.logFile = logFile
        self.process = process
    }

    deinit {
        stop()
    }

    /// Stops stunnel (idempotent). SIGKILL: stunnel started from a test process leaves SIGTERM
    /// pending (blocked), and it keeps nothing worth a graceful stop.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
