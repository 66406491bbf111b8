import NIOCore
import Testing

@testable import TallyDashboard

@Suite("Event hub: one rendered state fanned out through bounded buffers")
struct EventHubTests {
    @Test func aNewClientGetsTheLatestStateFirstThenEveryEventInOrder() async throws {
        let hub = EventHub(capacity: 8)
        hub.publish("state", data: #"{"n":1}"#)
        hub.publish("state", data: #"{"n":2}"#)
        let subscription = hub.subscribe()
        hub.publish("ping", data: "{}")
        hub.publish("state", data: #"{"n":3}"#)
        var iterator = subscription.events.makeAsyncIterator()
        var received: [String] = []
        for _ in 0..<3 { if let event = await iterator.next() { received.append(String(buffer: event.bytes)) } }
        #expect(
            received == [
                "id: 2\nevent: state\ndata: {\"n\":2}\n\n",
                "id: 3\nevent: ping\ndata: {}\n\n",
                "id: 4\nevent: state\ndata: {\"n\":3}\n\n",
            ]
        )
        #expect(hub.clientCount == 1)
    }

    @Test func aClientThatDoesNotReadIsDroppedWhenItsBufferIsFullWhileOthersGetEveryEvent() async throws {
        let hub = EventHub(capacity: 4)
        let slow = hub.subscribe()
        let reader = hub.subscribe()
        let reading = Task {
            var ids: [UInt64] = []
            for await event in reader.events { ids.append(event.id) }
            return ids
        }
        for n in 1...20 {
            hub.publish("state", data: "{\"n\":\(n)}")
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(hub.droppedClients == 1)
        #expect(hub.clientCount == 1, "only the reading client is left")
        var held: [UInt64] = []
        for await event in slow.events { held.append(event.id) }
        #expect(held == [1, 2, 3, 4], "the dropped client's stream holds at most its buffer, then ends")
        var ended = slow.ended.makeAsyncIterator()
        #expect(await ended.next() == nil, "the dropped client's writer is told to stop")
        hub.close()
        #expect(await reading.value == Array(1...20))
        #expect(hub.clientCount == 0)
    }

    @Test func aClientThatStopsListeningIsForgotten() async throws {
        let hub = EventHub()
        let listening = Task {
            let subscription = hub.subscribe()
            for await _ in subscription.events {}
        }
        while hub.clientCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        listening.cancel()
        await listening.value
        #expect(hub.clientCount == 0)
        #expect(hub.droppedClients == 0, "a departed client is not counted as dropped")
    }

    @Test func aClosedHubEndsEveryStreamAndRefusesNewOnes() async throws {
        let hub = EventHub()
        let open = hub.subscribe()
        hub.close()
        var iterator = open.events.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        var late = hub.subscribe().events.makeAsyncIterator()
        #expect(await late.next() == nil)
        #expect(hub.clientCount == 0)
    }
}
