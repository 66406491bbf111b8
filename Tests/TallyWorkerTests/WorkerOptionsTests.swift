import ArgumentParser
import Logging
import Testing

@testable import TallyWorker

@Suite struct WorkerOptionsTests {
    @Test func flagsWinOverEnvironmentAndEnvironmentOverDefaults() throws {
        let options = try WorkerOptions.parse(["--brokers", "flag:9092", "--kafka-property", "security.protocol=ssl"])
        let c = try options.resolve(
            workerName: "tally-code",
            environment: [
                "TALLY_BROKERS": "env:9092", "TALLY_GROUP": "env-group",
                "TALLY_KAFKA_PROPERTIES": "sasl.mechanism=PLAIN, security.protocol=plaintext",
            ]
        )
        #expect(c.brokers == ["flag:9092"])
        #expect(c.group == "env-group")
        #expect(c.kafkaProperties == ["sasl.mechanism": "PLAIN", "security.protocol": "ssl"])
        let defaults = try WorkerOptions.parse([]).resolve(workerName: "tally-code", environment: [:])
        #expect(defaults.group == "tally-code" && defaults.brokers == ["127.0.0.1:9092"] && defaults.topics.coded == "survey.coded")
    }

    @Test func everyDocumentedVariableChangesTheConfiguration() throws {
        let defaults = try WorkerOptions.parse([]).resolve(workerName: "w", environment: [:])
        for name in WorkerOptions.environmentVariables {
            let value: String =
                switch name {
                case "TALLY_HTTP_PORT", "TALLY_PARTITIONS", "TALLY_MAX_BATCH", "TALLY_MAX_BATCH_WAIT_MS": "7"
                case "TALLY_LOG_FORMAT": "human"
                case "TALLY_LOG_LEVEL": "debug"
                case "TALLY_BROKERS": "kafka-0:9093"
                case "TALLY_SHUTDOWN_TIMEOUT", "TALLY_STARTUP_TIMEOUT": "7s"
                case "TALLY_KAFKA_PROPERTIES": "a=b"
                default: "x-\(name)"
                }
            let c = try WorkerOptions.parse([]).resolve(workerName: "w", environment: [name: value])
            #expect(String(describing: c) != String(describing: defaults), "\(name) is documented but not read")
        }
    }

    @Test func unusableValuesNameTheirVariable() throws {
        #expect(throws: ValidationError.self) { try WorkerOptions.parse([]).resolve(workerName: "w", environment: ["TALLY_HTTP_PORT": "eighty"]) }
        do {
            _ = try WorkerOptions.parse([]).resolve(workerName: "w", environment: ["TALLY_PARTITIONS": "many"])
            Issue.record("a non-number was accepted")
        } catch let error as ValidationError {
            #expect(error.message.contains("TALLY_PARTITIONS"))
        }
        #expect(throws: ValidationError.self) {
            try WorkerOptions.parse(["--kafka-property", "no-equals-sign"]).resolve(workerName: "w", environment: [:])
        }
        #expect(throws: ValidationError.self) { try WorkerOptions.parse(["--log-format", "xml"]).resolve(workerName: "w", environment: [:]) }
    }

    @Test func brokersAreAListOfHostPortEntries() throws {
        let c = try WorkerOptions.parse(["--brokers", "kafka-0:9092, kafka-1:9092,[::1]:9093"]).resolve(workerName: "w", environment: [:])
        #expect(c.brokers == ["kafka-0:9092", "kafka-1:9092", "[::1]:9093"])
        for bad in ["kafka-0", "kafka-0:", "kafka-0:ninety", ":9092", ",", "kafka:70000"] {
            #expect(throws: ValidationError.self, "\(bad)") {
                try WorkerOptions.parse(["--brokers", bad]).resolve(workerName: "w", environment: [:])
            }
        }
    }

    @Test func aMistypedLogLevelIsAnErrorNotInfo() throws {
        let c = try WorkerOptions.parse(["--log-level", "Warning"]).resolve(workerName: "w", environment: [:])
        #expect(c.logLevel == .warning)
        do {
            _ = try WorkerOptions.parse([]).resolve(workerName: "w", environment: ["TALLY_LOG_LEVEL": "verbose"])
            Issue.record("an unknown log level was accepted")
        } catch let error as ValidationError {
            #expect(error.message.contains("verbose") && error.message.contains("warning"))
        }
    }

    @Test(arguments: [
        ("--shutdown-timeout", Duration.seconds(20)),
        ("--startup-timeout", Duration.seconds(120)),
    ])
    func timeoutsReadUnitsAndRejectNonsense(flag: String, byDefault: Duration) throws {
        let setting: (WorkerConfiguration) -> Duration = flag == "--shutdown-timeout" ? { $0.shutdownTimeout } : { $0.startupTimeout }
        let cases: [(String, Duration)] = [
            ("20s", .seconds(20)), ("1500ms", .milliseconds(1_500)), ("1m", .seconds(60)), ("2.5", .milliseconds(2_500)),
        ]
        for (text, expected) in cases {
            let c = try WorkerOptions.parse([flag, text]).resolve(workerName: "w", environment: [:])
            #expect(setting(c) == expected, "\(flag) \(text)")
        }
        #expect(setting(try WorkerOptions.parse([]).resolve(workerName: "w", environment: [:])) == byDefault)
        for bad in ["soon", "0s", "-3s", "10h"] {
            #expect(throws: ValidationError.self, "\(flag) \(bad)") {
                try WorkerOptions.parse(["\(flag)=\(bad)"]).resolve(workerName: "w", environment: [:])
            }
        }
    }
}
