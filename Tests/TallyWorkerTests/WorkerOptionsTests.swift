import ArgumentParser
import Testing
@testable import TallyWorker

@Suite struct WorkerOptionsTests {
    @Test func flagsWinOverEnvironmentAndEnvironmentOverDefaults() throws {
        let options = try WorkerOptions.parse(["--brokers", "flag:9092", "--kafka-property", "security.protocol=ssl"])
        let c = try options.resolve(workerName: "tally-code", environment: [
            "TALLY_BROKERS": "env:9092", "TALLY_GROUP": "env-group", "TALLY_KAFKA_PROPERTIES": "sasl.mechanism=PLAIN, security.protocol=plaintext",
        ])
        #expect(c.brokers == "flag:9092")
        #expect(c.group == "env-group")
        #expect(c.kafkaProperties == ["sasl.mechanism": "PLAIN", "security.protocol": "ssl"])
        let defaults = try WorkerOptions.parse([]).resolve(workerName: "tally-code", environment: [:])
        #expect(defaults.group == "tally-code" && defaults.brokers == "127.0.0.1:9092" && defaults.topics.coded == "survey.coded")
    }

    @Test func everyDocumentedVariableChangesTheConfiguration() throws {
        let defaults = try WorkerOptions.parse([]).resolve(workerName: "w", environment: [:])
        for name in WorkerOptions.environmentVariables {
            let value: String = switch name {
            case "TALLY_HTTP_PORT", "TALLY_PARTITIONS", "TALLY_MAX_BATCH", "TALLY_MAX_BATCH_WAIT_MS": "7"
            case "TALLY_LOG_FORMAT": "human"
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
        #expect(throws: ValidationError.self) { try WorkerOptions.parse(["--kafka-property", "no-equals-sign"]).resolve(workerName: "w", environment: [:]) }
        #expect(throws: ValidationError.self) { try WorkerOptions.parse(["--log-format", "xml"]).resolve(workerName: "w", environment: [:]) }
    }
}
