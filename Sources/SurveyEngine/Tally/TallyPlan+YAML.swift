import Foundation
import Yams

extension TallyPlan {
    /// The plan's file name inside a survey's schema folder.
    public static let fileName = "tally.yaml"

    /// Parses a plan from `tally.yaml` text (format: `Schemas/TALLY.md`).
    ///
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - source: The file named in error messages. Default: `tally.yaml`.
    /// - Throws: `SurveyDefinitionError` (file `source`) naming the member that is missing,
    ///   of the wrong type or inconsistent, and as ``init(planVersion:formId:referenceDate:fields:numeric:freeText:crosstabs:regionOrder:source:)``.
    public init(yaml: String, source: String = TallyPlan.fileName) throws(SurveyDefinitionError) {
        let raw: RawPlan
        do {
            raw = try YAMLDecoder().decode(RawPlan.self, from: yaml)
        } catch let error as DecodingError {
            throw SurveyDefinitionError(file: source, message: Self.describe(error))
        } catch {
            throw SurveyDefinitionError(file: source, message: "not readable as YAML: \(error)")
        }
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: source, message: message) }

        var fields: [TallyField] = []
        for f in raw.fields {
            let origin: TallyField.Origin
            var codes = f.codes ?? []
            var sourceStrings = f.source
            switch f.from {
            case "options":
                guard let path = f.path else { throw fail("the options field '\(f.name)' needs path: (where the option codes are)") }
                let parsed = try TallyPath(path, source: source)
                origin = .options(path: parsed, multi: f.multi ?? false)
                sourceStrings = sourceStrings ?? [path]
            case "coded":
                guard let given = sourceStrings, !given.isEmpty else {
                    throw fail("the coded field '\(f.name)' needs source: (the answers its codebook field reads)")
                }
                origin = .coded
            case "band":
                guard let path = f.path, let bands = f.bands, let missing = f.missing else {
                    throw fail("the band field '\(f.name)' needs path:, bands: and missing:")
                }
                guard f.codes == nil else {
                    throw fail("the band field '\(f.name)' takes its codes from bands: and missing:; remove codes:")
                }
                let rule = BandRule(
                    path: try TallyPath(path, source: source),
                    bands: bands.map { BandRule.Band(code: $0.code, minYears: $0.min_years, maxYears: $0.max_years) },
                    missing: missing
                )
                origin = .band(rule)
                codes = rule.bands.map(\.code) + [missing]
                sourceStrings = sourceStrings ?? ["derived: earliest \(path) vs \(raw.reference_date.prefix(4))"]
            default:
                throw fail("the field '\(f.name)' has from: '\(f.from)'; use options, coded or band")
            }
            fields.append(TallyField(name: f.name, origin: origin, source: sourceStrings ?? [], codes: codes))
        }

        var numeric: [NumericSummaryPlan] = []
        for n in raw.numeric ?? [] {
            switch n.from {
            case "coded_number":
                numeric.append(NumericSummaryPlan(name: n.name, origin: .codedNumber(n.number ?? n.name)))
            case "answer":
                guard let path = n.path else { throw fail("the numeric summary '\(n.name)' needs path: (where the number is)") }
                numeric.append(NumericSummaryPlan(name: n.name, origin: .answer(try TallyPath(path, source: source))))
            default:
                throw fail("the numeric summary '\(n.name)' has from: '\(n.from)'; use coded_number or answer")
            }
        }
        var freeText: [FreeTextPlan] = []
        for t in raw.free_text ?? [] {
            freeText.append(FreeTextPlan(name: t.name, path: try TallyPath(t.path, source: source)))
        }
        let crosstabs = (raw.crosstabs ?? []).map { CrossTabPlan(name: $0.name, rows: $0.rows, columns: $0.columns) }
        try self.init(
            planVersion: raw.plan_version,
            formId: raw.form_id,
            referenceDate: raw.reference_date,
            fields: fields,
            numeric: numeric,
            freeText: freeText,
            crosstabs: crosstabs,
            regionOrder: raw.region_order ?? [],
            source: source
        )
    }

    /// Reads and parses the plan file at `url`.
    ///
    /// - Parameter url: A file URL of a `tally.yaml`; its path is the `source` in error messages.
    /// - Throws: `SurveyDefinitionError` when the file cannot be read or is not a valid plan.
    public init(contentsOf url: URL) throws(SurveyDefinitionError) {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw SurveyDefinitionError(file: url.path, message: "cannot read the tally plan: \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: url.path)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let steps = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return steps.isEmpty ? "the top level" : steps.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context)) lacks the member '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) should be \(type) but is empty"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

// The file's shape, member names as written in YAML.
private struct RawPlan: Decodable {
    var plan_version: Int
    var form_id: String
    var reference_date: String
    var fields: [RawField]
    var numeric: [RawNumeric]?
    var free_text: [RawFreeText]?
    var crosstabs: [RawCrossTab]?
    var region_order: [String]?
}

private struct RawField: Decodable {
    var name: String
    var from: String
    var path: String?
    var multi: Bool?
    var source: [String]?
    var codes: [String]?
    var bands: [RawBand]?
    var missing: String?
}

private struct RawBand: Decodable {
    var code: String
    var min_years: Int
    var max_years: Int?
}

private struct RawNumeric: Decodable {
    var name: String
    var from: String
    var path: String?
    var number: String?
}

private struct RawFreeText: Decodable {
    var name: String
    var path: String
}

private struct RawCrossTab: Decodable {
    var name: String
    var rows: String
    var columns: String
}
