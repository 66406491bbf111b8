import Foundation

/// One fresh set of pipeline topics (names under a unique prefix) and the worker command lines
/// that use them, so runs never see each other's records or groups.
struct PipelineTopics {
    var submissions: String
    var valid: String
    var coded: String
    var rejected: String
    var tallies: String
    var changelog: String
    var partitions: Int

    init(prefix: String, partitions: Int) {
        submissions = prefix + ".submissions"
        valid = prefix + ".valid"
        coded = prefix + ".coded"
        rejected = prefix + ".rejected"
        tallies = prefix + ".tallies"
        changelog = prefix + ".changelog"
        self.partitions = partitions
    }

    var all: [String] { [submissions, valid, coded, rejected, tallies, changelog] }

    /// The flags of a worker on these topics: a fresh group per run, HTTP on a free loopback
    /// port, JSON logs, short group timeouts (Tansu joins in ~3 s with them), plus `extra`.
    func workerArguments(brokers: String, schemas: String, group: String, extra: [String] = []) -> [String] {
        [
            "--brokers", brokers, "--schemas", schemas, "--group", group,
            "--topic-submissions", submissions, "--topic-valid", valid, "--topic-coded", coded,
            "--topic-rejected", rejected, "--topic-tallies", tallies, "--topic-changelog", changelog,
            "--partitions", String(partitions), "--http-port", "0", "--http-host", "127.0.0.1", "--log-format", "json",
            "--kafka-property", "session.timeout.ms=6000", "--kafka-property", "heartbeat.interval.ms=500",
        ] + extra
    }
}
