import Logging
import TallyWorker
import Testing

@Suite struct ShutdownWatchdogTests {
    /// A service that ended in time disarms its watchdog: the process that hosted it (here the
    /// test runner itself) must go on past the deadline. Were the deadline to fire, this process
    /// would exit with status 75 and the run would fail.
    @Test func aDisarmedWatchdogLeavesItsHostProcessRunning() async throws {
        let watchdog = ShutdownWatchdog(timeout: .milliseconds(100), logger: Logger(label: "watchdog-test"))
        #expect(!watchdog.isPending)
        watchdog.arm(reason: "test")
        #expect(watchdog.isPending)
        watchdog.disarm()
        #expect(!watchdog.isPending)
        watchdog.arm(reason: "a second arm after disarming is ignored")
        #expect(!watchdog.isPending)
        try await Task.sleep(for: .milliseconds(400))  // past the deadline: this process must still be here
    }
}
