import Foundation
import SurveyEngine

/// A deliberately simple recomputation of a tally document, for property tests: it reads the
/// plan's fields straight off the head versions a stream implies, counts with plain loops,
/// sorts arrays for medians, and counts paradata from the expected outcomes. No retractions,
/// no state, no partials: if the aggregator and this agree on random streams, the aggregator's
/// bookkeeping is right.
public enum ReferenceTally {
    /// The expected document (as `TallyDocument.json` renders it, without metadata) for `heads`
    /// and the messages of a stream.
    ///
    /// - Parameters:
    ///   - heads: The head version of every counted respondent, e.g. ``ReferenceStream/heads``'s values.
    ///   - messages: Every message of the stream, for the paradata (received, accepted, rejected by reason, per day).
    ///   - plan: What is tallied.
    ///   - frame: The population frame, for response rates by region.
    /// - Returns: The document with unrounded percentages and Wilson intervals, `null` where a base is 0; compare
    ///   it with ``TallyComparer``.
    public static func document(
        heads: [CodedSubmission],
        messages: [ReferenceStream.Message],
        plan: TallyPlan,
        frame: Frame
    ) -> JSONValue {
        let n = heads.count
        func percent(_ count: Int, _ base: Int) -> JSONValue { base == 0 ? .null : .number(100 * Double(count) / Double(base)) }
        func wilson(_ count: Int, _ base: Int) -> JSONValue {
            guard base > 0 else { return .null }
            let z = 1.959963984540054
            let b = Double(base)
            let p = Double(count) / b
            let centre = (p + z * z / (2 * b)) / (1 + z * z / b)
            let half = z / (1 + z * z / b) * (p * (1 - p) / b + z * z / (4 * b * b)).squareRoot()
            return .array([.number(max(0, centre - half) * 100), .number(min(1, centre + half) * 100)])
        }
        func int(_ value: Int) -> JSONValue { .number(Double(value)) }

        // The codes each head holds for each field, and whether it answered.
        func codes(_ head: CodedSubmission, _ field: TallyField) -> (answered: Bool, codes: Set<String>) {
            switch field.origin {
            case .options(let path, _):
                var found: [String] = []
                for value in path.values(in: head.submission) {
                    if let text = value.stringValue, !text.isEmpty { found.append(text) }
                    for element in value.arrayValue ?? [] { if let text = element.stringValue { found.append(text) } }
                }
                return (!found.isEmpty, Set(found).intersection(field.codes))
            case .coded:
                let coded = head.coding.fields[field.name]
                let planned = Set(coded?.codes ?? []).intersection(field.codes)
                return ((coded?.answered ?? false) || !planned.isEmpty, planned)
            case .band(let rule):
                let years = rule.path.values(in: head.submission).compactMap(\.numberValue)
                guard let earliest = years.min() else { return (true, [rule.missing]) }
                let age = plan.referenceYear - Int(earliest)
                let band = rule.bands.first { age >= $0.minYears && age <= ($0.maxYears ?? Int.max) }
                return (true, [band?.code ?? rule.missing])
            }
        }

        var fields: [String: JSONValue] = [:]
        for field in plan.fields {
            let held = heads.map { codes($0, field) }
            let answered = held.filter(\.answered).count
            var summaries: [String: JSONValue] = [:]
            for code in field.codes {
                let count = held.filter { $0.codes.contains(code) }.count
                summaries[code] = .object([
                    "count": int(count), "percent_of_all": percent(count, n),
                    "percent_of_answered": percent(count, answered),
                    "wilson95_all": wilson(count, n), "wilson95_answered": wilson(count, answered),
                ])
            }
            fields[field.name] = .object([
                "source": .array(field.source.map(JSONValue.string)), "base_all": int(n),
                "base_answered": int(answered), "codes": .object(summaries),
            ])
        }

        var numeric: [String: JSONValue] = [:]
        for summary in plan.numeric {
            let values: [Double] = heads.compactMap { head in
                switch summary.origin {
                case .codedNumber(let name): head.coding.numbers[name]?.value
                case .answer(let path): path.values(in: head.submission).compactMap(\.numberValue).first
                }
            }.sorted()
            let median: JSONValue = values.isEmpty ? .null : .number((values[(values.count - 1) / 2] + values[values.count / 2]) / 2)
            numeric[summary.name] = .object([
                "n": int(values.count), "min": values.first.map(JSONValue.number) ?? .null,
                "median": median, "max": values.last.map(JSONValue.number) ?? .null,
            ])
        }

        var freeText: [String: JSONValue] = [:]
        for text in plan.freeText {
            let answered = heads.filter { head in
                text.path.values(in: head.submission).contains { !($0.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            }.count
            freeText[text.name] = .object(["answered": int(answered), "coded": .bool(false)])
        }

        var crosstabs: [JSONValue] = []
        for tab in plan.crosstabs {
            guard let rows = plan.field(named: tab.rows), let columns = plan.field(named: tab.columns) else { continue }
            var cells: [String: JSONValue] = [:]
            for row in rows.codes {
                var line: [String: JSONValue] = [:]
                for column in columns.codes {
                    line[column] = int(heads.filter { codes($0, rows).codes.contains(row) && codes($0, columns).codes.contains(column) }.count)
                }
                cells[row] = .object(line)
            }
            crosstabs.append(
                .object([
                    "name": .string(tab.name), "rows": .array(rows.codes.map(JSONValue.string)),
                    "columns": .array(columns.codes.map(JSONValue.string)), "cells": .object(cells),
                ])
            )
        }

        var regions: [String: JSONValue] = [:]
        for region in frame.regions {
            let responded = heads.filter { frame.unit($0.submission.respondentId)?.region == region.name }.count
            regions[region.name] = .object(["responded": int(responded), "frame": int(region.size), "percent": percent(responded, region.size)])
        }

        var reasons: [String: JSONValue] = [:]
        for reason in RejectionReason.allCases {
            reasons[reason.rawValue] = int(messages.filter { $0.expected == .rejected(reason) }.count)
        }
        var messagesByCode: [String: Int] = [:]
        var problemsByCode: [String: Int] = [:]
        var perDay: [String: Int] = [:]
        for message in messages {
            if case .rejectedUpstream(let rejection) = message.input {
                for problem in rejection.problems { problemsByCode[problem.code.rawValue, default: 0] += 1 }
                for code in Set(rejection.problems.map(\.code.rawValue)) { messagesByCode[code, default: 0] += 1 }
            }
            if case .coded(let coded) = message.input, message.expected == .acceptedFirst || message.expected == .acceptedEdit {
                perDay[String(coded.submission.submittedAt.prefix(10)), default: 0] += 1
            }
        }
        let invalid = messages.filter { $0.expected == .rejected(.invalid) }.count
        let rejected = messages.filter { if case .rejected = $0.expected { true } else { false } }.count
        let paradata: JSONValue = .object([
            "received": int(messages.count), "valid": int(messages.count - invalid),
            "accepted_first_submissions": int(messages.filter { $0.expected == .acceptedFirst }.count),
            "accepted_edits": int(messages.filter { $0.expected == .acceptedEdit }.count),
            "noop_identical_resends": int(messages.filter { $0.expected == .noop }.count),
            "rejected_total": int(rejected), "rejected_by_reason": .object(reasons),
            "invalid_messages_by_problem_codes": .object(messagesByCode.mapValues(int)),
            "invalid_problems_by_code": .object(problemsByCode.mapValues(int)),
            "accepted_versions_per_day": .object(perDay.mapValues(int)),
        ])

        let versions = Set(heads.map(\.submission.formVersion))
        return .object([
            "form_id": .string(plan.formId),
            "form_version": versions.count == 1 ? .string(versions.first ?? "") : .null,
            "reference_date": .string(plan.referenceDate),
            "frame_size": int(frame.count),
            "counted_respondents": int(n),
            "response_rate": .object([
                "overall": .object([
                    "responded": int(n), "frame": int(frame.count),
                    "percent": percent(n, frame.count), "wilson95": wilson(n, frame.count),
                ]),
                "by_region": .object(regions),
            ]),
            "fields": .object(fields), "free_text": .object(freeText), "numeric": .object(numeric),
            "crosstabs": .array(crosstabs), "paradata": paradata,
        ])
    }
}
