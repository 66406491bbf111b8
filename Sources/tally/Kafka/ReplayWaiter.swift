import ServiceLifecycle
import TallyWorker

/// Ends the replay once the new tallies count every message (or the time is up).
struct ReplayWaiter: Service {
    let reader: TallyTopicReader
    let expected: Int
    let timeout: Duration

    func run() async throws {
        let started = ContinuousClock.now
        while !Task.isShuttingDownGracefully && ContinuousClock.now - started < timeout {
            if try await reader.read().merged().paradata.received >= expected { return }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
