import Foundation

extension TallyDocument {
    /// The document as JSON in ARCHITECTURE.md's shape (`form_id`, `frame_size`,
    /// `counted_respondents`, `response_rate`, `fields`, `free_text`, `numeric`, `crosstabs`,
    /// `paradata`, then metadata), members in a fixed order and codes in plan order.
    /// Percentages and intervals are unrounded; `null` marks a base of 0 or a suppressed cell.
    ///
    /// - Parameter pretty: indent for people (default) or write one line.
    /// - Returns: The JSON text; the same document always gives the same text.
    public func json(pretty: Bool = true) -> String {
        JSONWriter(sortsKeys: false, pretty: pretty).string(jsonValue)
    }

    /// `json(pretty:)` as UTF-8 bytes.
    ///
    /// - Parameter pretty: Indent for people, or write one line. Default: true.
    public func jsonData(pretty: Bool = true) -> Data { Data(json(pretty: pretty).utf8) }

    /// The document as a JSON value whose objects hold their members in the document's order.
    var jsonValue: JSONValue {
        func interval(_ w: WilsonInterval?) -> JSONValue { w.map { .array([.number($0.lower), .number($0.upper)]) } ?? .null }
        func counts(_ dictionary: [String: Int], order: [String] = []) -> JSONValue {
            let rest = dictionary.keys.filter { !order.contains($0) }.sorted()
            return .object((order + rest).map { ($0, .int(dictionary[$0] ?? 0)) })
        }

        let overall = responseRate.overall
        let responseRateJSON = JSONValue.object([
            (
                "overall",
                .object([
                    ("responded", .int(overall.responded)), ("frame", .int(overall.frame)),
                    ("percent", .optional(overall.percent)), ("wilson95", interval(overall.wilson95)),
                ])
            ),
            (
                "by_region",
                .object(
                    responseRate.byRegion.map { region, rate in
                        (region, .object([("responded", .int(rate.responded)), ("frame", .int(rate.frame)), ("percent", .optional(rate.percent))]))
                    }
                )
            ),
        ])
        let fieldsJSON = JSONValue.object(
            fields.map { field in
                (
                    field.name,
                    .object([
                        ("source", .array(field.source.map(JSONValue.string))),
                        ("base_all", .int(field.baseAll)),
                        ("base_answered", .int(field.baseAnswered)),
                        (
                            "codes",
                            .object(
                                field.codes.map { code in
                                    (
                                        code.code,
                                        .object([
                                            ("count", .optional(code.count)),
                                            ("percent_of_all", .optional(code.percentOfAll)),
                                            ("percent_of_answered", .optional(code.percentOfAnswered)),
                                            ("wilson95_all", interval(code.wilson95All)),
                                            ("wilson95_answered", interval(code.wilson95Answered)),
                                        ])
                                    )
                                }
                            )
                        ),
                    ])
                )
            }
        )
        var paradataMembers: [(String, JSONValue)] = [
            ("received", .int(paradata.received)),
            ("valid", .int(paradata.valid)),
            ("accepted_first_submissions", .int(paradata.acceptedFirstSubmissions)),
            ("accepted_edits", .int(paradata.acceptedEdits)),
            ("noop_identical_resends", .int(paradata.noopIdenticalResends)),
            ("rejected_total", .int(paradata.rejectedTotal)),
            ("rejected_by_reason", counts(paradata.rejectedByReason, order: RejectionReason.allCases.map(\.rawValue))),
            ("invalid_messages_by_problem_codes", counts(paradata.invalidMessagesByProblemCode)),
            ("invalid_problems_by_code", counts(paradata.invalidProblemsByCode)),
            ("accepted_versions_per_day", counts(paradata.acceptedVersionsPerDay)),
        ]
        if let codingReview { paradataMembers.append(("coding_review", counts(codingReview))) }
        let paradataJSON = JSONValue.object(paradataMembers)
        var members: [(String, JSONValue)] = [
            ("form_id", .string(formId)),
            ("form_version", .optional(formVersion)),
            ("reference_date", .string(referenceDate)),
            ("frame_size", .int(frameSize)),
            ("counted_respondents", .int(countedRespondents)),
            ("response_rate", responseRateJSON),
            ("fields", fieldsJSON),
            ("free_text", .object(freeText.map { ($0.name, .object([("answered", .int($0.answered)), ("coded", .bool(false))])) })),
            (
                "numeric",
                .object(
                    numeric.map { summary in
                        (
                            summary.name,
                            .object([
                                ("n", .int(summary.n)), ("min", .optional(summary.min)),
                                ("median", .optional(summary.median)), ("max", .optional(summary.max)),
                            ])
                        )
                    }
                )
            ),
            (
                "crosstabs",
                .array(
                    crosstabs.map { tab in
                        .object([
                            ("name", .string(tab.name)),
                            ("rows", .array(tab.rows.map(JSONValue.string))),
                            ("columns", .array(tab.columns.map(JSONValue.string))),
                            (
                                "cells",
                                .object(
                                    zip(tab.rows, tab.cells).map { row, cells in
                                        (row, .object(zip(tab.columns, cells).map { ($0, .optional($1)) }))
                                    }
                                )
                            ),
                        ])
                    }
                )
            ),
            ("paradata", paradataJSON),
            ("as_of", .optional(asOf)),
            ("provisional", .bool(provisional)),
            ("codebook_version", .optional(codebookVersion)),
            ("codebook_versions", .array(codebookVersions.map(JSONValue.string))),
            ("form_versions", .array(formVersions.map(JSONValue.string))),
            ("partitions", .object(partitions.keys.sorted().map { (String($0), .int(Int(clamping: partitions[$0] ?? 0))) })),
        ]
        if let suppressBelow { members.append(("suppression", .object([("below", .int(suppressBelow))]))) }
        return .object(members)
    }
}

extension JSONValue {
    /// An object with `members` in the order given (names are distinct by construction).
    fileprivate static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(uniqueMembers: members.map { (key: $0.0, value: $0.1) }))
    }

    /// A whole number.
    fileprivate static func int(_ value: Int) -> JSONValue { .number(Double(value)) }

    /// `number`, or `null` for `nil`.
    fileprivate static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
    /// A whole number, or `null` for `nil`.
    fileprivate static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    /// `string`, or `null` for `nil`.
    fileprivate static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}
