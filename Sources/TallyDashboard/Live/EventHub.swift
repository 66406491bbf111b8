import NIOCore
import Synchronization

/// The fan-out of the dashboard's live state to every open `/events` stream.
///
/// One producer renders each state once (``publish(_:data:)``) and the hub hands the same
/// bytes to every client through a buffer of ``capacity`` events per client. A client whose
/// buffer is full has stopped reading: it is dropped (its stream ends and its ``Subscription``
/// says so), so a slow client never grows the server's memory. A new client gets the latest
/// state first, so reconnecting (with or without `Last-Event-ID`) shows the current figures at once.
public final class EventHub: Sendable {
    /// One server-sent event, encoded once for every client.
    public struct Event: Sendable {
        /// The event id (`id:` line); increases with every published event.
        public let id: UInt64
        /// The event name (`event:` line).
        public let name: String
        /// The encoded event, ready to write.
        public let bytes: ByteBuffer
    }

    /// One client's stream of events; ``events`` ends when the client is dropped or the hub closes.
    public struct Subscription: Sendable {
        /// The client's number (for logs).
        public let client: Int
        /// The events, the current state first.
        public let events: AsyncStream<Event>
        /// Finishes (with nothing) when the hub drops this client or closes: the writer then
        /// stops even if it is blocked writing to a client that does not read.
        public let ended: AsyncStream<Void>
    }

    private struct Client {
        var events: AsyncStream<Event>.Continuation
        var ended: AsyncStream<Void>.Continuation
    }

    private struct State {
        var clients: [Int: Client] = [:]
        var nextClient = 0
        var nextID: UInt64 = 1
        var latestState: Event?
        var dropped = 0
        var closed = false
    }

    /// Events a client may have waiting before it is dropped.
    public let capacity: Int
    private let state = Mutex(State())

    /// A hub whose clients may fall `capacity` events behind.
    /// - Parameter capacity: events buffered per client (at least 1). Default: 16.
    public init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
    }

    /// Clients connected now.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Clients dropped so far because their buffer was full.
    public var droppedClients: Int { state.withLock { $0.dropped } }

    /// The latest state event published, if any.
    public var latestState: Event? { state.withLock { $0.latestState } }

    /// Encodes `data` once as the event `name` and hands it to every client; a `state` event
    /// also becomes what new clients get first.
    /// - Parameters:
    ///   - name: the event name: `state` for a full state, anything else (e.g. `ping`) for a
    ///     passing event that new clients do not need.
    ///   - data: the event's data; line breaks become several `data:` lines.
    /// - Returns: the event as sent.
    @discardableResult
    public func publish(_ name: String, data: String) -> Event {
        let (event, clients) = state.withLock { state -> (Event, [(Int, Client)]) in
            let event = Event(id: state.nextID, name: name, bytes: Self.encode(id: state.nextID, name: name, data: data))
            state.nextID += 1
            if name == "state" { state.latestState = event }
            return (event, Array(state.clients))
        }
        var slow: [Int] = []
        for (number, client) in clients {
            if case .dropped = client.events.yield(event) { slow.append(number) }
        }
        for number in slow { remove(number, dropped: true) }
        return event
    }

    /// Registers a client and returns its stream, starting with the latest state.
    /// Once the hub is closed, the stream is empty.
    public func subscribe() -> Subscription {
        let (events, eventsContinuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingOldest(capacity))
        let (ended, endedContinuation) = AsyncStream.makeStream(of: Void.self)
        let number = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            let number = state.nextClient
            state.nextClient += 1
            state.clients[number] = Client(events: eventsContinuation, ended: endedContinuation)
            if let latest = state.latestState { eventsContinuation.yield(latest) }
            return number
        }
        guard let number else {
            eventsContinuation.finish()
            endedContinuation.finish()
            return Subscription(client: -1, events: events, ended: ended)
        }
        eventsContinuation.onTermination = { [weak self] _ in self?.remove(number, dropped: false) }
        return Subscription(client: number, events: events, ended: ended)
    }

    /// Ends every client's stream and refuses new ones (graceful shutdown).
    public func close() {
        let clients = state.withLock { state -> [Int] in
            state.closed = true
            return Array(state.clients.keys)
        }
        for number in clients { remove(number, dropped: false) }
    }

    /// Forgets client `number` (once) and ends its streams; continuations are finished outside
    /// the lock because finishing runs `onTermination`, which calls back here.
    private func remove(_ number: Int, dropped: Bool) {
        guard
            let client = state.withLock({ state -> Client? in
                let client = state.clients.removeValue(forKey: number)
                if client != nil && dropped { state.dropped += 1 }
                return client
            })
        else { return }
        client.events.finish()
        client.ended.finish()
    }

    /// The text/event-stream encoding of one event.
    static func encode(id: UInt64, name: String, data: String) -> ByteBuffer {
        var text = "id: \(id)\nevent: \(name)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        text += "\n"
        return ByteBuffer(string: text)
    }
}
