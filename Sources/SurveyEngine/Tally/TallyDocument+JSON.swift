import Foundation

extension TallyDocument {
    /// The document as JSON in DESIGN.md's shape (`form_id`, `frame_size`,
    /// `counted_respondents`, `response_rate`, `fields`, `free_text`, `numeric`, `crosstabs`,
    /// `paradata`, then metadata), members in a fixed order and codes in plan order.
    /// Percentages and intervals are unrounded; `null` marks a base of 0 or a suppressed cell.
    /// - Parameter pretty: indent for people (default) or write one line.
    public func json(pretty: Bool = true) -> String {
        jsonTree.rendered(pretty: pretty)
    }

    /// `json(pretty:)` as UTF-8 bytes.
    public func jsonData(pretty: Bool = true) -> Data { Data(json(pretty: pretty).utf8) }

    var jsonTree: OrderedJSON {
        func interval(_ w: WilsonInterval?) -> OrderedJSON { w.map { .array([.number($0.lower), .number($0.upper)]) } ?? .null }
        func counts(_ dictionary: [String: Int], order: [String] = []) -> OrderedJSON {
            let rest = dictionary.keys.filter { !order.contains($0) }.sorted()
            return .object((order + rest).map { ($0, .int(dictionary[$0] ?? 0)) })
        }

        let overall = responseRate.overall
        let responseRateJSON = OrderedJSON.object([
            ("overall", .object([("responded", .int(overall.responded)), ("frame", .int(overall.frame)),
                                 ("percent", .optional(overall.percent)), ("wilson95", interval(overall.wilson95))])),
            ("by_region", .object(responseRate.byRegion.map { region, rate in
                (region, .object([("responded", .int(rate.responded)), ("frame", .int(rate.frame)), ("percent", .optional(rate.percent))]))
            })),
        ])
        let fieldsJSON = OrderedJSON.object(fields.map { field in
            (field.name, .object([
                ("source", .array(field.source.map(OrderedJSON.string))),
                ("base_all", .int(field.baseAll)),
                ("base_answered", .int(field.baseAnswered)),
                ("codes", .object(field.codes.map { code in
                    (code.code, .object([
                        ("count", .optional(code.count)),
                        ("percent_of_all", .optional(code.percentOfAll)),
                        ("percent_of_answered", .optional(code.percentOfAnswered)),
                        ("wilson95_all", interval(code.wilson95All)),
                        ("wilson95_answered", interval(code.wilson95Answered)),
                    ]))
                })),
            ]))
        })
        var paradataMembers: [(String, OrderedJSON)] = [
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
        let paradataJSON = OrderedJSON.object(paradataMembers)
        var members: [(String, OrderedJSON)] = [
            ("form_id", .string(formId)),
            ("form_version", .optional(formVersion)),
            ("reference_date", .string(referenceDate)),
            ("frame_size", .int(frameSize)),
            ("counted_respondents", .int(countedRespondents)),
            ("response_rate", responseRateJSON),
            ("fields", fieldsJSON),
            ("free_text", .object(freeText.map { ($0.name, .object([("answered", .int($0.answered)), ("coded", .bool(false))])) })),
            ("numeric", .object(numeric.map { summary in
                (summary.name, .object([("n", .int(summary.n)), ("min", .optional(summary.min)),
                                        ("median", .optional(summary.median)), ("max", .optional(summary.max))]))
            })),
            ("crosstabs", .array(crosstabs.map { tab in
                .object([
                    ("name", .string(tab.name)),
                    ("rows", .array(tab.rows.map(OrderedJSON.string))),
                    ("columns", .array(tab.columns.map(OrderedJSON.string))),
                    ("cells", .object(zip(tab.rows, tab.cells).map { row, cells in
                        (row, .object(zip(tab.columns, cells).map { ($0, .optional($1)) }))
                    })),
                ])
            })),
            ("paradata", paradataJSON),
            ("as_of", .optional(asOf)),
            ("provisional", .bool(provisional)),
            ("codebook_version", .optional(codebookVersion)),
            ("codebook_versions", .array(codebookVersions.map(OrderedJSON.string))),
            ("form_versions", .array(formVersions.map(OrderedJSON.string))),
            ("partitions", .object(partitions.keys.sorted().map { (String($0), .int(Int(clamping: partitions[$0] ?? 0))) })),
        ]
        if let suppressBelow { members.append(("suppression", .object([("below", .int(suppressBelow))]))) }
        return .object(members)
    }
}
