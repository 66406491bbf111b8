import FieldTallyTestKit
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Many `/events` clients on plain sockets, read by one thread with `poll`: for each client,
/// how many `state` events it has received and when the latest arrived. Cheap enough that a
/// thousand clients measure the server, not themselves.
final class EventStreamFleet: @unchecked Sendable {
    private struct Client {
        var fd: Int32
        var states = 0
        var lastState: ContinuousClock.Instant?
        var tail: [UInt8] = []
    }

    private let clients: Mutex<[Client]>
    private let descriptors: [Int32]
    private let stop = Atomic<Bool>(false)
    private var thread: Thread?
    private static let marker = Array("\nevent: state\n".utf8)

    /// Opens `count` connections to `GET /events` on 127.0.0.1:`port`.
    /// - Throws: `BenchError` when a connection fails (raise the open-file limit).
    init(count: Int, port: Int) throws {
        var opened: [Client] = []
        for index in 0..<count {
            let fd: Int32
            do {
                fd = try connectedLoopbackSocket(port: port)
            } catch {
                for client in opened { _ = Glibc.close(client.fd) }
                throw BenchError("client \(index) of \(count): \(error)")
            }
            let request = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            opened.append(Client(fd: fd))
        }
        descriptors = opened.map(\.fd)
        clients = Mutex(opened)
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "sse-fleet"
        self.thread = thread
        thread.start()
    }

    /// State events received by each client so far.
    var stateCounts: [Int] { clients.withLock { $0.map(\.states) } }

    /// When each client's latest state event arrived.
    var lastStates: [ContinuousClock.Instant?] { clients.withLock { $0.map(\.lastState) } }

    /// Stops reading and closes every connection.
    func close() {
        stop.store(true, ordering: .releasing)
        while thread?.isFinished == false { usleep(10_000) }
        for fd in descriptors { _ = Glibc.close(fd) }
    }

    private func readLoop() {
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1_024)
        while !stop.load(ordering: .acquiring) {
            let ready = poll(&polled, nfds_t(polled.count), 50)
            guard ready > 0 else { continue }
            for index in polled.indices where polled[index].revents != 0 {
                polled[index].revents = 0
                let n = recv(polled[index].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                guard n > 0 else {
                    if n == 0 { polled[index].fd = -1 }  // closed by the server: poll ignores it from now on
                    continue
                }
                let arrived = ContinuousClock.now
                clients.withLock { clients in
                    var text = clients[index].tail
                    text.append(contentsOf: buffer[0..<n])
                    let found = Self.occurrences(of: Self.marker, in: text)
                    if found > 0 {
                        clients[index].states += found
                        clients[index].lastState = arrived
                    }
                    clients[index].tail = Array(text.suffix(Self.marker.count - 1))
                }
            }
        }
    }

    /// Non-overlapping occurrences of `marker` in `text` (memchr and memcmp: the fleet's own
    /// reading must stay cheap next to the server it measures).
    private static func occurrences(of marker: [UInt8], in text: [UInt8]) -> Int {
        text.withUnsafeBytes { haystack in
            marker.withUnsafeBytes { needle in
                guard let base = haystack.baseAddress, let pattern = needle.baseAddress else { return 0 }
                var count = 0
                var offset = 0
                while offset + needle.count <= haystack.count,
                    let hit = memchr(base + offset, Int32(needle[0]), haystack.count - offset - needle.count + 1)
                {
                    let position = UnsafeRawPointer(hit) - base
                    if memcmp(hit, pattern, needle.count) == 0 {
                        count += 1
                        offset = position + needle.count
                    } else {
                        offset = position + 1
                    }
                }
                return count
            }
        }
    }
}
