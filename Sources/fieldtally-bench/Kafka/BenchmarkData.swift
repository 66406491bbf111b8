import FieldTallyKafka
import FieldTallyTestKit
import Foundation

/// Deterministic benchmark records: key `k<i>`, a value of printable ASCII
/// (no tab or newline, so kcat can read it as `key<TAB>value` lines).
struct BenchmarkData {
    let keys: [[UInt8]]
    let values: [[UInt8]]

    init(count: Int, valueSize: Int) {
        var generator = ReferenceRandom(seed: 2018)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 {}:,\"".utf8)
        // A few distinct bodies, varied per record by its index, keep generation fast.
        let bodies = (0..<16).map { _ in (0..<valueSize).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] } }
        keys = (0..<count).map { Array("k\($0)".utf8) }
        values = (0..<count).map { index in
            var value = bodies[index % bodies.count]
            let stamp = Array("\(index)".utf8)
            value.replaceSubrange(0..<min(stamp.count, value.count), with: stamp.prefix(value.count))
            return value
        }
    }

    func write(to file: URL) throws {
        var data = Data()
        data.reserveCapacity(values.reduce(0) { $0 + $1.count + 12 })
        for (key, value) in zip(keys, values) {
            data.append(contentsOf: key)
            data.append(UInt8(ascii: "\t"))
            data.append(contentsOf: value)
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: file)
    }

    func records(topic: String) -> [KafkaProducerRecord] {
        zip(keys, values).map { KafkaProducerRecord(topic: topic, key: $0, value: $1) }
    }
}
