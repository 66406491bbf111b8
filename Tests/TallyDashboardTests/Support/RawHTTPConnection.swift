import Dispatch
import FieldTallyTestKit
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

    /// Connects to 127.0.0.1:`port` and sends `method path` with `headers` and `body`.
    init(
        port: Int,
        method: String = "GET",
        path: String,
        headers: [String: String] = [:],
        body: Data? = nil,
        receiveBuffer: Int32? = nil,
        timeout: Int = 30
    ) throws {
        fd = try connectedLoopbackSocket(port: port, receiveBuffer: receiveBuffer)
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Length: \(body.count)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8) + Array(body ?? Data())
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw TestFailure("send to port \(port) failed") }
            sent += n
        }
    }

    /// Reads one whole response: status code and body (by `Content-Length`, chunked, or to the
    /// end of the connection).
    func readResponse() async throws -> (status: Int, body: Data) {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                var all: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let separator: [UInt8] = [13, 10, 13, 10]
                while true {
                    if let end = all.indices.first(where: { all[$0...].starts(with: separator) }) {
                        let head = String(decoding: all[..<end], as: UTF8.self).lowercased()
                        let body = Array(all[(end + 4)...])
                        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                        if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                            body.count >= length
                        {
                            continuation.resume(returning: (status, Data(body.prefix(length))))
                            return
                        }
                        if head.contains("transfer-encoding: chunked"), body.suffix(5).elementsEqual(Array("0\r\n\r\n".utf8)) {
                            continuation.resume(returning: (status, Data(Self.dechunk(body))))
                            return
                        }
                    }
                    let n = recv(self.fd, &buffer, buffer.count, 0)
                    if n < 0 {
                        continuation.resume(throwing: TestFailure("no complete response in time (\(all.count) bytes)"))
                        return
                    }
                    if n == 0 {
                        let text = String(decoding: all, as: UTF8.self)
                        let status = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                        let body = text.range(of: "\r\n\r\n").map { Data(text[$0.upperBound...].utf8) } ?? Data()
                        continuation.resume(returning: (status, body))
                        return
                    }
                    all += buffer[0..<n]
                }
            }
        }
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = bytes[i...].firstIndex(of: 13) else { break }
            let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd + 2
            out += bytes[start..<min(bytes.count, start + size)]
            i = start + size + 2
        }
        return out
    }

    /// Reads until the text received so far contains `marker` (or the timeout passes without data).
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
