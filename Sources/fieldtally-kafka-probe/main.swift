// A group consumer that appends every record it processes to a file, then
// commits the batch, forever. The crash-recovery test runs it, kills it with
// SIGKILL mid-stream and runs it again, then checks the file: every record
// present (at least once), duplicates bounded by one batch per kill.
//
// Usage: fieldtally-kafka-probe BROKERS TOPIC GROUP OUTPUT_FILE [MAX_BATCH] [DELAY_MS_PER_BATCH]
import FieldTallyKafka
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: fieldtally-kafka-probe BROKERS TOPIC GROUP OUTPUT_FILE [MAX_BATCH] [DELAY_MS_PER_BATCH]\n".utf8))
    exit(64)
}
var configuration = KafkaConsumerConfiguration(
    bootstrapServers: arguments[1].split(separator: ",").map(String.init),
    groupID: arguments[3],
    topics: [arguments[2]]
)
configuration.group.sessionTimeout = .seconds(6)
configuration.group.heartbeatInterval = .milliseconds(500)
configuration.batching.maxRecords = arguments.count > 5 ? Int(arguments[5]) ?? 100 : 100
configuration.autoCommitInterval = nil
let delay = Duration.milliseconds(arguments.count > 6 ? Int(arguments[6]) ?? 0 : 0)

let output = open(arguments[4], O_WRONLY | O_APPEND | O_CREAT, 0o644)
guard output >= 0 else {
    FileHandle.standardError.write(Data("cannot open \(arguments[4]): errno \(errno)\n".utf8))
    exit(66)
}

do {
    let consumer = try KafkaConsumer(configuration: configuration)
    for try await batch in consumer.batches {
        var lines = ""
        for record in batch.records {
            lines += "\(record.partition) \(record.offset) \(record.valueString ?? "")\n"
        }
        // Processed (written) first, committed after: a kill in between re-delivers this batch.
        let written = lines.utf8.withContiguousStorageIfAvailable { write(output, $0.baseAddress, $0.count) } ?? -1
        guard written == lines.utf8.count else { throw KafkaError(code: .state, message: "short write to \(arguments[4])") }
        try await consumer.commit(batch)
        if delay > .zero { try await Task.sleep(for: delay) }
    }
} catch {
    FileHandle.standardError.write(Data("fieldtally-kafka-probe: \(error)\n".utf8))
    exit(1)
}
