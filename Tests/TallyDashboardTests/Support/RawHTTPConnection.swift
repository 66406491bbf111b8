import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback server, for what URLSession cannot do: read part of a
/// streamed response and hang up, or never read at all. Blocking calls run on a dispatch queue.
final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32
    private let queue = DispatchQueue(label: "raw-http")
    private var received = ""
    private var pending = ""

    /// Connects to 127.0.0.1:`port` and sends `GET path` with `headers`.
    init(port: Int, path: String, headers: [String: String] = [:], receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw TestFailure("cannot connect to port \(port)")
        }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
    }

    /// Reads until the text received so far contains `marker` (or 5 s pass without data).
    /// - Returns: everything received so far.
    func read(until marker: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                // Only the text since the last call is searched; past 1 MB the oldest text is let go.
                var window = self.pending
                while !window.contains(marker) {
                    let n = recv(self.fd, &buffer, buffer.count, 0)
                    if n <= 0 {
                        continuation.resume(throwing: TestFailure("connection ended before \(marker.debugDescription): \(window.suffix(300))"))
                        return
                    }
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    window = String(window.suffix(marker.count)) + text
                    self.received += text
                    if self.received.utf8.count > 1_048_576 { self.received = String(self.received.suffix(65_536)) }
                }
                // What came after the marker is searched by the next call.
                self.pending = window.range(of: marker).map { String(window[$0.upperBound...]) } ?? ""
                continuation.resume(returning: self.received)
            }
        }
    }

    /// Hangs up.
    func close() { _ = Glibc.close(fd) }
}

/// A failure a test reports with its message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits until `condition` holds, at most `limit`.
func eventually(within limit: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        try await Task.sleep(for: .milliseconds(20))
    }
    return true
}
