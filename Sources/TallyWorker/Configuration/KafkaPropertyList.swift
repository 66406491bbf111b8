import ArgumentParser
import Foundation

/// librdkafka properties given as `key=value` texts (flags such as `--kafka-property`, or the
/// comma-separated `TALLY_KAFKA_PROPERTIES`).
public enum KafkaPropertyList {
    /// The properties of `pairs`: each `key=value` with spaces around key and value trimmed, blank
    /// texts skipped, a later key replacing an earlier one.
    /// - Parameters:
    ///   - pairs: the texts, in the order given.
    ///   - what: how an error names the source of a bad text. Default: `kafka property`.
    /// - Throws: `ValidationError` naming a text that has no `=` or nothing before it.
    public static func parse(_ pairs: [String], what: String = "kafka property") throws -> [String: String] {
        var properties: [String: String] = [:]
        for pair in pairs where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ValidationError("\(what) '\(pair)' is not key=value")
            }
            properties[String(pair[..<eq]).trimmingCharacters(in: .whitespaces)] =
                String(pair[pair.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        }
        return properties
    }
}
