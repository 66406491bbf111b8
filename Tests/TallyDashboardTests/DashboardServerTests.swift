import Foundation
import Testing

@testable import TallyDashboard

@Suite("Dashboard server: live stream, data endpoints, access", .timeLimit(.minutes(1)))
struct DashboardServerTests {
    @Test func aReconnectingClientGetsTheCurrentStateAtOnceWithItsEventID() async throws {
        try await RunningDashboard.run { server, port in
            server.hub.publish("state", data: #"{"n":1}"#)
            let latest = server.hub.publish("state", data: #"{"n":2}"#)
            let connection = try RawHTTPConnection(port: port, path: "/events", headers: ["Last-Event-ID": "1", "Accept": "text/event-stream"])
            defer { connection.close() }
            let text = try await connection.read(until: "data: {\"n\":2}")
            #expect(text.lowercased().contains("content-type: text/event-stream"))
            #expect(text.contains("retry: 1000"))
            #expect(text.contains("id: \(latest.id)\nevent: state\ndata: {\"n\":2}"))
            #expect(!text.contains("data: {\"n\":1}"), "only the current state, not the history")
        }
    }

    @Test func aDisconnectedClientsHandlerEndsAndTheHubForgetsIt() async throws {
        try await RunningDashboard.run { server, port in
            server.hub.publish("state", data: "{}")
            let connections = try (0..<3).map { _ in try RawHTTPConnection(port: port, path: "/events") }
            for connection in connections { _ = try await connection.read(until: "event: state") }
            #expect(server.hub.clientCount == 3)
            #expect(server.streams.count == 3)
            for connection in connections { connection.close() }
            // No event is published after the hang-up: the handler must notice the closed
            // connection itself, not on its next write. 20 s: a full parallel test run on two
            // cores can keep the handlers' tasks waiting for a thread for seconds.
            let ended = try await eventually(within: .seconds(20)) { server.streams.count == 0 && server.hub.clientCount == 0 }
            #expect(ended, "handlers still running: \(server.streams.count), clients: \(server.hub.clientCount)")
            #expect(server.streams.started == 3)
        }
    }

    @Test func aClientThatStopsReadingIsDroppedAndItsHandlerEnds() async throws {
        try await RunningDashboard.run(hub: EventHub(capacity: 4)) { server, port in
            server.hub.publish("state", data: "{}")
            let stalled = try RawHTTPConnection(port: port, path: "/events", receiveBuffer: 4_096)
            defer { stalled.close() }
            _ = try await stalled.read(until: "event: state")
            let reader = try RawHTTPConnection(port: port, path: "/events")
            defer { reader.close() }
            // Large events fill the stalled client's socket, then its buffer of 4 events.
            let big = String(repeating: "x", count: 256 * 1_024)
            var published = 0
            while server.hub.droppedClients == 0 && published < 2_000 {
                let event = server.hub.publish("state", data: "{\"n\":\(published),\"pad\":\"\(big)\"}")
                published += 1
                _ = try await reader.read(until: "id: \(event.id)\n")
            }
            #expect(server.hub.droppedClients == 1, "the client that stopped reading was dropped after \(published) events")
            let ended = try await eventually { server.streams.count == 1 }
            #expect(ended, "the dropped client's handler ended; running: \(server.streams.count)")
            #expect(server.hub.clientCount == 1, "the reading client stays")
        }
    }

    @Test func theDataEndpointsServeTheMergedDocumentAndItsCSVWithSuppression() async throws {
        try await RunningDashboard.run { _, port in
            let (status, headers, json) = try await RunningDashboard.get(port, "/api/tallies")
            #expect(status == 200 && headers["content-type"] == "application/json")
            #expect(json.contains(#""counted_respondents": 60"#) || json.contains(#""counted_respondents":60"#))
            let (csvStatus, _, csv) = try await RunningDashboard.get(port, "/api/tallies.csv?suppress=5")
            #expect(csvStatus == 200)
            #expect(csv.contains("\ntop_approaches,whole_system,49,60,"))
            #expect(csv.contains(",<5,"))
            let (_, _, suppressedJSON) = try await RunningDashboard.get(port, "/api/tallies?suppress=5")
            #expect(suppressedJSON.contains(#""below": 5"#))
            let (bad, _, _) = try await RunningDashboard.get(port, "/api/tallies?suppress=many")
            #expect(bad == 400)
        }
    }

    @Test func withATokenConfiguredEverythingButHealthNeedsIt() async throws {
        try await RunningDashboard.run(credential: .bearer(token: "s3cret")) { _, port in
            for path in ["/api/tallies", "/api/tallies.csv", "/events", "/metrics"] {
                let (status, headers, _) = try await RunningDashboard.get(port, path)
                #expect(status == 401, "\(path) without the token")
                #expect(headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            }
            let (page, _, prompt) = try await RunningDashboard.get(port, "/")
            #expect(page == 401 && prompt.contains("Access token") && !prompt.contains("EventSource"), "the page shows a sign-in prompt")
            #expect(try await RunningDashboard.get(port, "/api/tallies", headers: ["Authorization": "Bearer wrong"]).0 == 401)
            #expect(try await RunningDashboard.get(port, "/api/tallies", headers: ["Authorization": "Bearer s3cret"]).0 == 200)
            #expect(try await RunningDashboard.get(port, "/", headers: ["Cookie": "fieldtally_token=s3cret"]).0 == 200)
            #expect(try await RunningDashboard.get(port, "/healthz").0 == 200)
            #expect(try await RunningDashboard.get(port, "/livez").0 == 200)
        }
    }

    @Test func withBasicAuthConfiguredTheBrowserIsAskedForIt() async throws {
        try await RunningDashboard.run(credential: .basic(user: "field", password: "manager")) { _, port in
            let (status, head) = try await RunningDashboard.status(port, "/")
            #expect(status == 401 && head.contains("www-authenticate: basic"))
            let good = "Basic " + Data("field:manager".utf8).base64EncodedString()
            #expect(try await RunningDashboard.status(port, "/", headers: ["Authorization": good]).0 == 200)
            let wrong = "Basic " + Data("field:guess".utf8).base64EncodedString()
            #expect(try await RunningDashboard.status(port, "/api/tallies", headers: ["Authorization": wrong]).0 == 401)
            #expect(try await RunningDashboard.status(port, "/healthz").0 == 200)
        }
    }
}
