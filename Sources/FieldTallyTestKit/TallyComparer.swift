import Foundation
import SurveyEngine

/// Compares a tally document with an expected one (e.g. the sample's `expected.json`) and lists
/// every differing path, e.g. `fields.fgc_timing.codes.early_stage.count: expected 8, got 7`.
///
/// Integers must match exactly; other numbers within `tolerance` (default 0.005: equal to two
/// decimals). Keys of the expected document in `ignoredExpectedKeys` are skipped (by default its
/// reference extras), and keys only the actual document has are differences unless listed in
/// `allowedExtraKeys` (by default the document's metadata).
public struct TallyComparer: Sendable {
    /// The reference extras of `expected.json` that are not part of a tally document.
    public static let referenceExtras: Set<String> = ["dataset", "message_outcomes", "definitions", "frame_file"]
    /// Keys a rendered document may carry beyond `expected.json`: its metadata, and the review
    /// queue's counts (`expected.json` predates the queue; online and offline documents, compared
    /// with each other, must agree on them too).
    public static let documentMetadata: Set<String> = [
        "as_of", "provisional", "codebook_version", "codebook_versions",
        "form_versions", "partitions", "suppression", "paradata.coding_review",
    ]

    /// Largest allowed difference between two non-integral numbers. Default: 0.005.
    public var tolerance: Double = 0.005
    /// Paths (dotted, from the top) of the expected document to skip. Default: `referenceExtras`.
    public var ignoredExpectedKeys: Set<String> = TallyComparer.referenceExtras
    /// Paths only the actual document may have. Default: `documentMetadata`.
    public var allowedExtraKeys: Set<String> = TallyComparer.documentMetadata

    /// A comparer with the defaults.
    ///
    /// - Parameters:
    ///   - tolerance: Largest allowed difference between two numbers unless both are integers (which must be equal).
    ///     Default: 0.005, equal to two decimals.
    ///   - ignoredExpectedKeys: Dotted paths from the top of the expected document to skip, with everything
    ///     under them. Default: ``referenceExtras``.
    ///   - allowedExtraKeys: Dotted paths only the actual document may have. Default: ``documentMetadata``.
    public init(
        tolerance: Double = 0.005,
        ignoredExpectedKeys: Set<String> = TallyComparer.referenceExtras,
        allowedExtraKeys: Set<String> = TallyComparer.documentMetadata
    ) {
        self.tolerance = tolerance
        self.ignoredExpectedKeys = ignoredExpectedKeys
        self.allowedExtraKeys = allowedExtraKeys
    }

    /// Every difference between two parsed documents, one line per path, in path order.
    ///
    /// - Parameters:
    ///   - expected: The reference document, e.g. `expected.json` parsed.
    ///   - actual: The document under test.
    /// - Returns: Lines such as `fields.x.codes.y.count: expected 8, got 7`, `a.b: missing` or `c: unexpected`;
    ///   empty when the documents agree. Array elements are compared by position.
    public func differences(expected: JSONValue, actual: JSONValue) -> [String] {
        var found: [String] = []
        compare(expected, actual, path: "", into: &found)
        return found
    }

    /// Every difference between two JSON documents' bytes.
    ///
    /// - Parameters:
    ///   - expectedJSON: The reference document's UTF-8 JSON.
    ///   - actualJSON: The document under test's UTF-8 JSON.
    /// - Returns: As ``differences(expected:actual:)``.
    /// - Throws: `DecodingError` when either is not JSON.
    public func differences(expectedJSON: Data, actualJSON: Data) throws -> [String] {
        differences(expected: try ReferenceJSONValue.parse(expectedJSON), actual: try ReferenceJSONValue.parse(actualJSON))
    }

    /// Every difference between `expected` JSON bytes and a rendered document.
    ///
    /// - Parameters:
    ///   - expectedJSON: The reference document's UTF-8 JSON.
    ///   - document: The document under test, rendered with `jsonData()` first.
    /// - Returns: As ``differences(expected:actual:)``.
    /// - Throws: `DecodingError` when `expectedJSON` is not JSON.
    public func differences(expectedJSON: Data, document: TallyDocument) throws -> [String] {
        try differences(expectedJSON: expectedJSON, actualJSON: document.jsonData())
    }

    private func compare(_ expected: JSONValue, _ actual: JSONValue, path: String, into found: inout [String]) {
        switch (expected, actual) {
        case (.object(let e), .object(let a)):
            for key in e.keys.sorted() {
                let sub = path.isEmpty ? key : path + "." + key
                if ignoredExpectedKeys.contains(sub) { continue }
                guard let value = a[key] else {
                    found.append("\(sub): missing (expected \(Self.show(e[key] ?? .null)))")
                    continue
                }
                compare(e[key] ?? .null, value, path: sub, into: &found)
            }
            for key in a.keys.sorted() where e[key] == nil {
                let sub = path.isEmpty ? key : path + "." + key
                if !allowedExtraKeys.contains(sub) && !ignoredExpectedKeys.contains(sub) {
                    found.append("\(sub): unexpected (got \(Self.show(a[key] ?? .null)))")
                }
            }
        case (.array(let e), .array(let a)):
            if e.count != a.count { found.append("\(path): expected \(e.count) elements, got \(a.count)") }
            for (i, (x, y)) in zip(e, a).enumerated() { compare(x, y, path: "\(path)[\(i)]", into: &found) }
        case (.number(let e), .number(let a)):
            let bothIntegral = e.rounded() == e && a.rounded() == a
            if bothIntegral ? e != a : !(abs(e - a) <= tolerance) {
                found.append("\(path): expected \(Self.show(expected)), got \(Self.show(actual))")
            }
        default:
            if expected != actual { found.append("\(path): expected \(Self.show(expected)), got \(Self.show(actual))") }
        }
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .number(let x): return x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x)
        case .string(let text): return "\"\(text)\""
        case .array(let elements): return "[" + elements.map(show).joined(separator: ", ") + "]"
        case .object(let members): return "{" + members.keys.sorted().map { "\($0): …" }.joined(separator: ", ") + "}"
        }
    }
}
