import FieldTallyKafka
import Foundation
import Logging
import SurveyEngine
import Synchronization
import TallyWorker

/// The three FieldTally workers (`tally-validate`, `tally-code`, `tally-aggregate`) running as
/// separate processes against a ``TestBroker``, on pipeline topics and consumer groups of their
/// own, for integration tests.
///
/// ```swift
/// try await PipelineFixture.run { pipeline in
///     try await pipeline.startPipeline()                 // one instance of each, ready
///     try await pipeline.submit(SampleStream.load().keyedMessages)
///     let document = try await pipeline.waitUntilReceived(88, timeout: .seconds(60))
///     let deadLetters = try await pipeline.deadLetters()
/// }
/// ```
///
/// Workers get `TALLY_BROKERS`, `TALLY_SCHEMAS`, every `TALLY_TOPIC_*`, `TALLY_PARTITIONS`, short
/// group timeouts (`session.timeout.ms=6000`, `heartbeat.interval.ms=500`) with the broker's
/// ``TestBroker/clientProperties`` (TLS) in `TALLY_KAFKA_PROPERTIES`, `--http-port 0` and a
/// group per stage; each writes its log to a file under ``logDirectory``. ``run(_:_:)`` stops
/// every process the fixture started when the body ends, returns or throws, prints the log tails
/// when it throws, and a watchdog kills them if the test process dies. Nothing else is shared
/// between fixtures, so tests may use several at once.
public final class PipelineFixture: Sendable {
    /// How the pipeline is set up.
    public struct Options: Sendable {
        /// Partitions of every pipeline topic (created before any worker starts). Default: 3.
        public var partitions = 3
        /// The survey definitions folder given to the workers. Default: the package's `Schemas/`.
        public var schemas: URL = SampleStream.schemasDirectory
        /// Longest a worker may take from launch to answering `/healthz` with 200. Default: 60 s.
        public var readyTimeout: Duration = .seconds(60)
        /// More environment variables for every worker and command, applied last (e.g.
        /// `TALLY_MAX_BATCH`). Default: none.
        public var environment: [String: String] = [:]

        /// The defaults.
        public init() {}
    }

    /// The broker the pipeline runs on.
    public let broker: TestBroker
    /// The options it was set up with.
    public let options: Options
    /// Brokers, topics and schemas as the workers see them: for readers and in-process checks.
    public let configuration: WorkerConfiguration
    /// The environment every worker and ``command(_:_:standardInput:)`` gets: the test
    /// process's own without its `TALLY_*` variables, plus the pipeline's.
    public let environment: [String: String]
    /// The survey the workers run (loaded from ``Options/schemas``).
    public let survey: SurveyDefinition
    /// Where the workers' logs are (kept when ``run(_:_:)``'s body throws).
    public let logDirectory: URL
    /// Prefix of this fixture's topics and consumer groups.
    public let name: String

    private struct State {
        var started: [PipelineWorker] = []
        var endedOnPurpose: Set<Int32> = []
        var instances: [PipelineWorker.Stage: Int] = [:]
    }

    private let state = Mutex(State())
    private let logger: Logger

    /// Sets up a pipeline on `broker` (default: ``TestBroker/shared()``), runs `body` with it, and
    /// stops every process it started, whatever `body` does.
    ///
    /// Setting up creates the six pipeline topics (`<name>-submissions` … `<name>-changelog`) with
    /// ``Options/partitions`` partitions each, but starts no worker: `body` starts what it needs.
    /// The log folder is removed when `body` returns and kept when it throws.
    ///
    /// - Parameters:
    ///   - options: Partitions, schemas folder, ready timeout and extra environment. Default: ``Options/init()``.
    ///   - broker: The broker to run on. Default: nil, the process-wide ``TestBroker/shared()``.
    ///   - body: The test; it gets the fixture and may start, stop and kill workers freely.
    /// - Returns: What `body` returns.
    /// - Throws: what `body` throws (after printing every worker's log tail), ``PipelineError``
    ///   when the survey cannot be loaded, or `KafkaError` when the topics cannot be created.
    public static func run<T>(
        _ options: Options = Options(),
        broker: TestBroker? = nil,
        _ body: (PipelineFixture) async throws -> T
    ) async throws -> T {
        let broker = if let broker { broker } else { try await TestBroker.shared() }
        let fixture = try await PipelineFixture(options: options, broker: broker)
        let result: T
        do {
            result = try await body(fixture)
        } catch {
            print("PipelineFixture \(fixture.name) failed: \(error)\n\(fixture.logTails())")
            fixture.stopEverything()
            throw error
        }
        fixture.stopEverything()
        try? FileManager.default.removeItem(at: fixture.logDirectory)
        return result
    }

    private init(options: Options, broker: TestBroker) async throws {
        self.broker = broker
        self.options = options
        name = broker.uniqueName("pipeline")
        do {
            survey = try SurveyDefinition(directory: options.schemas.path)
        } catch {
            throw PipelineError("cannot load the survey in \(options.schemas.path): \(error)")
        }
        var configuration = WorkerConfiguration(workerName: "pipeline-fixture")
        configuration.brokers = broker.bootstrapServers
        configuration.schemas = options.schemas.path
        configuration.topics.submissions = "\(name)-submissions"
        configuration.topics.valid = "\(name)-valid"
        configuration.topics.coded = "\(name)-coded"
        configuration.topics.rejected = "\(name)-rejected"
        configuration.topics.tallies = "\(name)-tallies"
        configuration.topics.changelog = "\(name)-changelog"
        configuration.topics.codingReview = "\(name)-coding-review"
        configuration.topics.partitions = options.partitions
        configuration.kafkaProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
            .merging(broker.clientProperties) { $1 }
        self.configuration = configuration

        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TALLY_") }
        let t = configuration.topics
        environment.merge([
            "TALLY_BROKERS": configuration.brokers.joined(separator: ","),
            "TALLY_SCHEMAS": configuration.schemas,
            "TALLY_TOPIC_SUBMISSIONS": t.submissions, "TALLY_TOPIC_VALID": t.valid, "TALLY_TOPIC_CODED": t.coded,
            "TALLY_TOPIC_REJECTED": t.rejected, "TALLY_TOPIC_TALLIES": t.tallies, "TALLY_TOPIC_CHANGELOG": t.changelog,
            "TALLY_TOPIC_CODING_REVIEW": t.codingReview,
            "TALLY_PARTITIONS": String(options.partitions),
            "TALLY_KAFKA_PROPERTIES": configuration.kafkaProperties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ","),
            "TALLY_HTTP_HOST": "127.0.0.1",
            "TALLY_LOG_FORMAT": "human",
        ]) { $1 }
        environment.merge(options.environment) { $1 }
        self.environment = environment

        logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-\(name)")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        var logger = Logger(label: "pipeline-fixture")
        logger.logLevel = .warning
        self.logger = logger
        // Created here, not by the workers, so no two workers race to create them.
        try await KafkaAdmin(configuration: configuration.adminConfiguration(), logger: logger)
            .createTopics(TopicProvisioner.pipelineTopics(configuration))
    }

    // MARK: Workers

    /// Every worker process started so far, running or not, in start order.
    public var workers: [PipelineWorker] { state.withLock { $0.started } }

    /// The worker processes still running.
    public var running: [PipelineWorker] { workers.filter(\.isRunning) }

    /// Starts one instance of each stage and waits until all three answer `/healthz` with 200.
    ///
    /// - Throws: ``PipelineError`` when a worker cannot start, exits, or is not ready within
    ///   ``Options/readyTimeout`` (with its log's tail).
    @discardableResult
    public func startPipeline() async throws -> [PipelineWorker] {
        var started: [PipelineWorker] = []
        for stage in PipelineWorker.Stage.pipeline { started.append(try await start(stage, waitUntilReady: false)) }
        for worker in started { try await waitUntilReady(worker) }
        return started
    }

    /// Starts another instance of `stage` in the stage's consumer group (the first, or one more
    /// to scale out), and by default waits until it answers `/healthz` with 200 (it has a
    /// partition assignment).
    ///
    /// Instances are named `<stage>-<n>`, counting from 1 per stage; each logs to `<name>.log` in ``logDirectory``
    /// and serves HTTP on a free port it logs.
    ///
    /// - Parameters:
    ///   - stage: Which executable to launch.
    ///   - arguments: More arguments, after `--group` and `--http-port 0` (e.g. `tally-store`'s `--database`). Default: none.
    ///   - waitUntilReady: Wait for `/healthz` to answer 200, at most ``Options/readyTimeout``; false returns as
    ///     soon as the process is launched. Default: true.
    /// - Returns: The launched worker, also listed in ``workers``.
    /// - Throws: ``PipelineError`` when the executable is missing (run `swift build --build-tests`),
    ///   cannot start, exits, or is not ready in time.
    @discardableResult
    public func start(_ stage: PipelineWorker.Stage, arguments: [String] = [], waitUntilReady: Bool = true) async throws -> PipelineWorker {
        let executable: URL
        do { executable = try BuildProducts.executable(named: stage.rawValue) } catch { throw PipelineError("\(error)") }
        let number = state.withLock { state in
            state.instances[stage, default: 0] += 1
            return state.instances[stage]!
        }
        let workerName = "\(stage.rawValue)-\(number)"
        let log = logDirectory.appendingPathComponent("\(workerName).log")
        let process = try PipelineCommand.launch(
            executable,
            ["--group", group(of: stage), "--http-port", "0"] + arguments,
            environment: environment,
            output: log,
            errors: log
        )
        let worker = PipelineWorker(stage: stage, name: workerName, logFile: log, process: process)
        state.withLock { $0.started.append(worker) }
        if waitUntilReady { try await self.waitUntilReady(worker) }
        return worker
    }

    /// The consumer group of `stage`'s instances.
    ///
    /// - Parameter stage: The worker stage.
    /// - Returns: `<name>-<stage>`, e.g. `pipeline-1a2b-tally-code`; every instance of the stage shares it.
    public func group(of stage: PipelineWorker.Stage) -> String { "\(name)-\(stage.rawValue)" }

    /// Waits until `worker` answers `GET /healthz` with 200, at most `timeout`
    /// (default: ``Options/readyTimeout``).
    ///
    /// Polls every 100 ms once the worker has logged its HTTP port; a 503 (no partition assignment yet) keeps waiting.
    ///
    /// - Parameters:
    ///   - worker: A worker this fixture started.
    ///   - timeout: Longest wait from now. Default: nil, meaning ``Options/readyTimeout``.
    /// - Throws: ``PipelineError`` when it exits first or is not ready in time (with its log's tail and the last
    ///   answer it gave); `CancellationError` when the test task is cancelled.
    public func waitUntilReady(_ worker: PipelineWorker, timeout: Duration? = nil) async throws {
        let limit = timeout ?? options.readyTimeout
        let deadline = ContinuousClock.now + limit
        var last = "no HTTP port logged yet"
        while ContinuousClock.now < deadline {
            try Task.checkCancellation()
            guard worker.isRunning else { throw PipelineError("\(worker) exited before it was ready\n\(worker.logTail())") }
            if worker.httpPort != nil {
                do {
                    let (status, body) = try await worker.get("/healthz")
                    if status == 200 { return }
                    last = "/healthz answered \(status) \(body.trimmingCharacters(in: .whitespacesAndNewlines))"
                } catch {
                    last = "\(error)"
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PipelineError("\(worker) was not ready within \(limit) (\(last))\n\(worker.logTail())")
    }

    /// Stops `worker` gracefully (SIGTERM) and checks it exits with status 0 within `bound`.
    ///
    /// - Parameters:
    ///   - worker: A running worker this fixture started; its exit is expected and not reported by ``checkWorkersAlive()``.
    ///   - bound: Longest time from SIGTERM to exit; past it the worker is killed (SIGKILL). Default: 20 s.
    /// - Returns: how long it took to exit.
    /// - Throws: ``PipelineError`` when it is not running, does not exit in time (it is then
    ///   killed), or exits with another status (with its log's tail).
    @discardableResult
    public func stop(_ worker: PipelineWorker, within bound: Duration = .seconds(20)) async throws -> Duration {
        guard worker.isRunning else {
            throw PipelineError("\(worker) is not running (exit status \(worker.exitStatus.map(String.init) ?? "?"))\n\(worker.logTail())")
        }
        state.withLock { _ = $0.endedOnPurpose.insert(worker.pid) }
        let started = ContinuousClock.now
        worker.send(SIGTERM)
        guard await worker.waitUntilExit(timeout: bound) else {
            worker.send(SIGKILL)
            _ = await worker.waitUntilExit(timeout: .seconds(5))
            throw PipelineError("\(worker) did not exit within \(bound) of SIGTERM; killed\n\(worker.logTail())")
        }
        let took = ContinuousClock.now - started
        guard !worker.wasKilledBySignal, worker.exitStatus == 0 else {
            throw PipelineError(
                "\(worker) exited with \(worker.wasKilledBySignal ? "signal" : "status") \(worker.exitStatus ?? -1) after SIGTERM, not 0\n\(worker.logTail())"
            )
        }
        return took
    }

    /// Kills `worker` at once (SIGKILL), as a crash would, and waits until it is gone.
    ///
    /// Waits at most 10 s for the process to disappear; its exit is expected and not reported by ``checkWorkersAlive()``.
    ///
    /// - Parameter worker: A worker this fixture started; killing one that already exited does nothing.
    public func kill(_ worker: PipelineWorker) async {
        state.withLock { _ = $0.endedOnPurpose.insert(worker.pid) }
        worker.send(SIGKILL)
        _ = await worker.waitUntilExit(timeout: .seconds(10))
    }

    /// Starts a fresh instance of `worker`'s stage in the same group, after stopping `worker`
    /// gracefully if it still runs; waits until the new one is ready unless told not to.
    ///
    /// - Parameters:
    ///   - worker: The instance to replace; the new one gets the next number (`tally-code-2` after `tally-code-1`).
    ///   - waitUntilReady: Wait until the new instance answers `/healthz` with 200. Default: true.
    /// - Returns: The new worker.
    /// - Throws: what ``stop(_:within:)`` and ``start(_:waitUntilReady:)`` throw.
    @discardableResult
    public func restart(_ worker: PipelineWorker, waitUntilReady: Bool = true) async throws -> PipelineWorker {
        if worker.isRunning { try await stop(worker) }
        return try await start(worker.stage, waitUntilReady: waitUntilReady)
    }

    /// Throws when a worker exited that the fixture was not asked to stop or kill.
    /// - Throws: ``PipelineError`` naming it, with its log's tail.
    public func checkWorkersAlive() throws {
        let (started, ended) = state.withLock { ($0.started, $0.endedOnPurpose) }
        for worker in started where !worker.isRunning && !ended.contains(worker.pid) {
            throw PipelineError("\(worker) exited unexpectedly with status \(worker.exitStatus ?? -1)\n\(worker.logTail(lines: 40))")
        }
    }

    /// Every worker's log tail (`lines` lines each), for a failing test's message.
    ///
    /// - Parameter lines: Lines from the end of each worker's log. Default: 25.
    /// - Returns: The tails in start order, each headed by the worker's name; empty when no worker was started.
    public func logTails(lines: Int = 25) -> String {
        workers.map { $0.logTail(lines: lines) }.joined(separator: "\n")
    }

    /// SIGTERM to every running worker, up to 5 s for them to exit, then SIGKILL: never leaves
    /// a process behind, even when the test task is cancelled.
    private func stopEverything() {
        let alive = running
        state.withLock { $0.endedOnPurpose.formUnion(alive.map(\.pid)) }
        for worker in alive { worker.send(SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(5)
        while alive.contains(where: \.isRunning) && ContinuousClock.now < deadline { usleep(20_000) }
        for worker in alive where worker.isRunning { worker.send(SIGKILL) }
        while alive.contains(where: \.isRunning) { usleep(10_000) }
    }

    // MARK: Input

    /// Produces `messages` to the submissions topic in order with the project's own
    /// `KafkaProducer` (idempotent, every record acknowledged).
    ///
    /// A fresh producer is created and closed per call; records are keyed by each message's key, so one
    /// respondent's messages land on one partition in order.
    ///
    /// - Parameters:
    ///   - messages: The messages to send, e.g. ``SampleStream/keyedMessages``.
    ///   - producerProperties: extra librdkafka properties, e.g. `message.max.bytes`
    ///     for records over 1 MB. Default: none.
    /// - Throws: ``PipelineError`` listing records the broker did not acknowledge (the first 20), or `KafkaError`.
    public func submit(_ messages: [KeyedMessage], producerProperties: [String: String] = [:]) async throws {
        var producerConfiguration = broker.producerConfiguration()
        producerConfiguration.deliveryTimeout = .seconds(30)
        producerConfiguration.additionalProperties.merge(producerProperties) { $1 }
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let topic = configuration.topics.submissions
        let results = try await producer.sendAllResults(messages.map { KafkaProducerRecord(topic: topic, key: $0.key, value: $0.value) })
        await producer.close()
        let failed = zip(messages.indices, results).compactMap { index, result -> String? in
            guard case .failure(let error) = result else { return nil }
            return "message \(index) (line \(messages[index].line), \(messages[index].value.count) bytes): \(error.message)"
        }
        guard failed.isEmpty else {
            throw PipelineError("\(failed.count) of \(messages.count) records were not acknowledged:\n" + failed.prefix(20).joined(separator: "\n"))
        }
    }

    /// A command with this pipeline's environment (e.g. `kcat`, or a built executable).
    ///
    /// - Parameters:
    ///   - executable: The program's full path; see ``BuildProducts/executable(named:)`` for built products.
    ///   - arguments: Its arguments, without the program name.
    ///   - standardInput: A file to read standard input from. Default: nil (no input).
    /// - Returns: A command that runs when ``PipelineCommand/run(timeout:)`` is called.
    public func command(_ executable: URL, _ arguments: [String], standardInput: URL? = nil) -> PipelineCommand {
        PipelineCommand(executable, arguments, environment: environment, standardInput: standardInput)
    }

    /// Runs the built `tally` CLI with `arguments` and this pipeline's environment.
    ///
    /// - Parameters:
    ///   - arguments: The CLI's arguments, e.g. `["tallies", "--format", "json"]`.
    ///   - standardInput: A file to read standard input from. Default: nil.
    ///   - timeout: Longest run before the process is killed. Default: 60 s.
    /// - Returns: The exit status and everything it wrote; a non-zero status is returned, not thrown.
    /// - Throws: ``PipelineError`` when it is not built or does not finish within `timeout`.
    public func tally(
        _ arguments: [String],
        standardInput: URL? = nil,
        timeout: Duration = .seconds(60)
    ) async throws
        -> PipelineCommand.Result
    {
        let executable: URL
        do { executable = try BuildProducts.executable(named: "tally") } catch { throw PipelineError("\(error)") }
        return try await command(executable, arguments, standardInput: standardInput).run(timeout: timeout)
    }

    // MARK: Output

    /// The newest partial tally of every partition published so far.
    /// - Throws: `KafkaError` when the tallies topic cannot be read.
    public func partials() async throws -> PartialTallySet {
        try await TallyTopicReader(configuration: configuration, formId: survey.plan.formId, logger: logger).read()
    }

    /// The merged tally document, as `tally tallies` renders it (provisional, `as_of` of the newest partial).
    /// - Throws: `KafkaError` when the tallies topic cannot be read.
    public func tallies() async throws -> TallyDocument {
        document(merging: try await partials())
    }

    /// Every dead letter on the dead-letter topic (re-sends of one rejection removed).
    /// - Throws: `KafkaError` when the topic cannot be read.
    public func deadLetters() async throws -> [DeadLetter] {
        try await DeadLetterReader(configuration: configuration, logger: logger).read()
    }

    /// Waits until the merged tallies count at least `count` received messages (counted or
    /// rejected), reading the tallies topic every 250 ms, and returns that document.
    ///
    /// - Parameters:
    ///   - count: Messages the workers must have received, e.g. the number of submitted messages.
    ///   - timeout: Longest wait from now; the topic is read at least once even when it is zero.
    /// - Returns: The merged, provisional tally document that first reached `count`.
    /// - Throws: ``PipelineError`` when a worker exits unexpectedly meanwhile, or after `timeout`
    ///   (saying how many were received, with the workers' log tails).
    public func waitUntilReceived(_ count: Int, timeout: Duration) async throws -> TallyDocument {
        let deadline = ContinuousClock.now + timeout
        var received = 0
        while true {
            try checkWorkersAlive()
            let set = try await partials()
            received = set.merged().paradata.received
            if received >= count { return document(merging: set) }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw PipelineError("only \(received) of \(count) messages were received within \(timeout)\n\(logTails())")
    }

    /// Records written to the submissions topic so far, over all partitions.
    ///
    /// The submissions topic is written without transactions (by ``submit(_:producerProperties:)``,
    /// `tally submit` and `tally-intake`), so its offsets count records: no control markers.
    /// - Throws: `KafkaError` when the topic's watermarks cannot be read.
    public func submittedRecords() async throws -> Int {
        let admin = try KafkaAdmin(configuration: configuration.adminConfiguration(), logger: logger)
        return try await admin.watermarks(topic: configuration.topics.submissions).values.reduce(0) { $0 + Int($1.span) }
    }

    /// Waits until the workers have received every record on the submissions topic, however many
    /// re-sends it holds, and returns the merged document that counted them all.
    ///
    /// Use it once nothing writes to the topic any more, e.g. after every client was acknowledged.
    /// - Parameter timeout: Longest wait from now.
    /// - Returns: The merged, provisional tally document whose `received` equals the topic's records.
    /// - Throws: ``PipelineError`` when a worker exits unexpectedly meanwhile, or after `timeout`.
    public func waitUntilReceivedEverythingSubmitted(timeout: Duration) async throws -> TallyDocument {
        try await waitUntilReceived(try await submittedRecords(), timeout: timeout)
    }

    private func document(merging set: PartialTallySet) -> TallyDocument {
        let merged = set.merged()
        return TallyDocument(
            merged: merged,
            plan: survey.plan,
            frame: survey.frame,
            options: .init(provisional: true, asOf: merged.asOf)
        )
    }
}
