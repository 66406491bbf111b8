/// The wire form of a coding result (inside `survey.coded` records), written and read through
/// `JSONValue` so the hot path needs no `JSONDecoder`:
///
/// ```json
/// {"codebook_version": "…",
///  "fields": {"whole_system_model": {"answered": true, "codes": ["signs_of_safety"],
///             "evidence": [{"code": "signs_of_safety", "rule": "…", "source": "…", "start": 0, "end": 3, "matched": "SoS"}]}},
///  "numbers": {"duration_weeks": {"value": 12, "evidence": {…}}},
///  "review": [{"field": "…", "source": "…", "text": "…", "reason": "no_code", "candidates": []}]}
/// ```
///
/// `review` (see ``ReviewItem``) is written only when the coder raised items.
extension CodingResult {
    /// The result as a JSON document (see the type's extension doc for the shape).
    public var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [:]
        for (name, field) in self.fields {
            fields[name] = .object([
                "answered": .bool(field.answered),
                "codes": .array(field.codes.map { .string($0) }),
                "evidence": .array(field.evidence.map(\.jsonValue)),
            ])
        }
        var numbers: [String: JSONValue] = [:]
        for (name, number) in self.numbers {
            numbers[name] = .object(["value": .number(number.value), "evidence": number.evidence.jsonValue])
        }
        var members: JSONObject = ["codebook_version": .string(codebookVersion), "fields": .object(fields), "numbers": .object(numbers)]
        if !review.isEmpty { members["review"] = .array(review.map(\.jsonValue)) }
        return .object(members)
    }

    /// Reads the JSON form back.
    /// - Parameter evidenceRequired: false for a document parsed without its evidence (see
    ///   `CodedRecord.init(bytes:parser:readsEvidence:)`): a number's missing evidence is then
    ///   `Evidence.unread`. Default: true.
    /// - Throws: `SurveyDefinitionError` (file `coding`) naming the first member that is missing or mistyped.
    public init(jsonValue value: JSONValue, evidenceRequired: Bool = true) throws(SurveyDefinitionError) {
        func fail(_ what: String) -> SurveyDefinitionError { SurveyDefinitionError(file: "coding", message: what) }
        guard let version = value["codebook_version"]?.stringValue else { throw fail("codebook_version is missing") }
        let fieldMembers = value["fields"]?.objectValue ?? [:]
        var fields: [String: CodedField] = [:]
        fields.reserveCapacity(fieldMembers.count)
        for (name, field) in fieldMembers {
            guard case .bool(let answered)? = field["answered"], let codes = field["codes"]?.arrayValue else {
                throw fail("field '\(name)' lacks answered/codes")
            }
            var evidence: [Evidence] = []
            for item in field["evidence"]?.arrayValue ?? [] { evidence.append(try Evidence(jsonValue: item)) }
            fields[name] = CodedField(answered: answered, codes: codes.compactMap(\.stringValue), evidence: evidence)
        }
        var numbers: [String: CodedNumber] = [:]
        for (name, number) in value["numbers"]?.objectValue ?? [:] {
            guard let v = number["value"]?.numberValue, let e = number["evidence"] ?? (evidenceRequired ? nil : .null) else {
                throw fail("number '\(name)' lacks value/evidence")
            }
            numbers[name] = CodedNumber(value: v, evidence: e == .null && !evidenceRequired ? .unread : try Evidence(jsonValue: e))
        }
        var review: [ReviewItem] = []
        for item in value["review"]?.arrayValue ?? [] { review.append(try ReviewItem(jsonValue: item)) }
        self.init(codebookVersion: version, fields: fields, numbers: numbers, review: review)
    }
}

extension Evidence {
    /// Stands for evidence a reader chose not to read (every member empty or zero).
    public static let unread = Evidence(code: "", rule: "", source: "", start: 0, end: 0, matched: "")

    /// The evidence as a JSON object.
    /// `confidence` is written only below 1, so the evidence of full-confidence rules keeps its shape.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "code": .string(code), "rule": .string(rule), "source": .string(source),
            "start": .number(Double(start)), "end": .number(Double(end)), "matched": .string(matched),
        ]
        if confidence < 1 { members["confidence"] = .number(confidence) }
        return .object(members)
    }

    /// Reads the JSON form back.
    /// - Throws: `SurveyDefinitionError` when a member is missing or mistyped.
    ///
    /// Accepts exactly the shape `jsonValue` writes; `start` and `end` are JSON numbers truncated to
    /// `Int`, and a missing `confidence` means `1` (full confidence), as the writer omits it then.
    /// - Parameter value: A JSON object with string members `code`, `rule`, `source` and `matched`,
    ///   number members `start` and `end`, and an optional number `confidence`.
    public init(jsonValue value: JSONValue) throws(SurveyDefinitionError) {
        guard let code = value["code"]?.stringValue, let rule = value["rule"]?.stringValue,
            let source = value["source"]?.stringValue, let start = value["start"]?.numberValue,
            let end = value["end"]?.numberValue, let matched = value["matched"]?.stringValue
        else { throw SurveyDefinitionError(file: "coding", message: "evidence lacks code/rule/source/start/end/matched") }
        self.init(
            code: code,
            rule: rule,
            source: source,
            start: Int(start),
            end: Int(end),
            matched: matched,
            confidence: value["confidence"]?.numberValue ?? 1
        )
    }
}
