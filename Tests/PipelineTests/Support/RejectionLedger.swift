import FieldTallyTestKit
import SurveyEngine
import TallyWorker

/// Rejections compared as a person auditing the dead-letter topic would: which message (its
/// bytes), why (reason), and every problem's pointer and code. Messages are labelled (stream
/// line, fuzz case) only to make a failure readable.
struct RejectionLedger {
    /// What is compared: the message bytes, the reason and the sorted `pointer code` problems.
    struct Signature: Hashable {
        var value: [UInt8]
        var reason: String
        var problems: [String]
    }

    private(set) var entries: [(signature: Signature, label: String)] = []

    /// Adds a rejection of `value` for `reason` with `problems`.
    mutating func add(value: [UInt8], reason: String, problems: [(pointer: String, code: String)], label: String) {
        entries.append((Signature(value: value, reason: reason, problems: problems.map { "\($0.pointer) \($0.code)" }.sorted()), label))
    }

    var count: Int { entries.count }

    /// Count per reason.
    var countsByReason: [String: Int] {
        entries.reduce(into: [:]) { $0[$1.signature.reason, default: 0] += 1 }
    }

    /// The rejections `expected` holds and this one lacks, and those this one holds in excess,
    /// one line each (empty when both hold the same rejections as often).
    func differences(expected: RejectionLedger) -> [String] {
        var remaining: [Signature: [String]] = [:]
        for entry in entries { remaining[entry.signature, default: []].append(entry.label) }
        var found: [String] = []
        for entry in expected.entries {
            if var labels = remaining[entry.signature], !labels.isEmpty {
                labels.removeFirst()
                remaining[entry.signature] = labels
            } else {
                found.append("missing: \(entry.label): \(entry.signature.reason) \(entry.signature.problems) (\(entry.signature.value.count) bytes)")
            }
        }
        for (signature, labels) in remaining {
            for label in labels {
                found.append("unexpected: \(label): \(signature.reason) \(signature.problems) value \(Self.preview(signature.value))")
            }
        }
        return found.sorted()
    }

    /// The dead letters of a topic.
    init(deadLetters: [DeadLetter]) {
        for letter in deadLetters {
            add(
                value: letter.originalValue,
                reason: letter.reason,
                problems: letter.problems.map { ($0.pointer, $0.code.rawValue) },
                label: "dead letter of \(letter.worker) for \(letter.source.topic)/\(letter.source.partition)/\(letter.source.offset)"
            )
        }
    }

    /// The rejections `expected.json`'s `message_outcomes` gives for the sample's lines.
    init(expectedBy sample: SampleStream) {
        for (message, outcome) in sample.lines where outcome.outcome == "rejected" {
            add(
                value: message.value,
                reason: outcome.reason ?? "?",
                problems: (outcome.problems ?? []).map { ($0.pointer, $0.code) },
                label: "stream.tsv line \(message.line)"
            )
        }
    }

    init() {}

    static func preview(_ value: [UInt8]) -> String {
        let text = String(decoding: value.prefix(120), as: UTF8.self)
        return value.count > 120 ? "\(text)… (\(value.count) bytes)" : text
    }
}
