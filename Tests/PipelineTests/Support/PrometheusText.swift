import Foundation

/// A `/metrics` page (Prometheus text exposition) read into samples, for assertions.
struct PrometheusText {
    /// One sample line: metric name, labels, value.
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]

    /// Parses every sample line (comment and blank lines skipped; unparsable lines dropped).
    init(_ text: String) {
        samples = text.split(separator: "\n").compactMap { raw -> Sample? in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    /// Every metric name with at least one sample.
    var names: Set<String> { Set(samples.map(\.name)) }

    /// The value of the sample `name` whose labels include `labels`, or `nil` when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }

    /// Every sample of `name`.
    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}
