/// The JSON form of a review item, as `survey.coded` records carry it (`coding.review`) and the
/// `survey.coding-review` topic and `tally offline --review` show it:
///
/// ```json
/// {"field": "evidence_source", "source": "answers.approaches.early_help.evidence", "text": "…",
///  "reason": "cancelled",
///  "candidates": [{"code": "…", "rule": "…", "matched": "…", "status": "cancelled", "why": "…", "confidence": 1}]}
/// ```
extension ReviewItem {
    /// The item as a JSON object (every member written; a writer that sorts keys sorts them).
    public var jsonValue: JSONValue {
        .object([
            "field": .string(field), "source": .string(source), "text": .string(text), "reason": .string(reason.rawValue),
            "candidates": .array(candidates.map(\.jsonValue)),
        ])
    }

    /// The item's line in `tally offline --review` and `tally review --format json`: members
    /// `respondent_id`, `field`, `source`, `text`, `candidates` and `reason`, in that order.
    /// - Parameter respondentID: the respondent whose head version raised the item.
    /// - Returns: one line of compact JSON, without a newline.
    public func jsonLine(respondentID: String) -> String {
        JSONWriter().string(inOrder: [
            ("respondent_id", .string(respondentID)), ("field", .string(field)), ("source", .string(source)), ("text", .string(text)),
            ("candidates", .array(candidates.map(\.jsonValue))), ("reason", .string(reason.rawValue)),
        ])
    }

    /// Reads the JSON form back.
    /// - Parameter value: an object with string members `field`, `source`, `text` and `reason` (a
    ///   ``Reason`` raw value) and an array `candidates` (missing means none).
    /// - Throws: `SurveyDefinitionError` (file `coding`) naming what is missing or unknown.
    public init(jsonValue value: JSONValue) throws(SurveyDefinitionError) {
        guard let field = value["field"]?.stringValue, let source = value["source"]?.stringValue,
            let text = value["text"]?.stringValue, let reasonText = value["reason"]?.stringValue
        else { throw SurveyDefinitionError(file: "coding", message: "a review item needs field, source, text and reason") }
        guard let reason = Reason(rawValue: reasonText) else {
            throw SurveyDefinitionError(file: "coding", message: "unknown review reason '\(reasonText)'")
        }
        var candidates: [Candidate] = []
        for candidate in value["candidates"]?.arrayValue ?? [] { candidates.append(try Candidate(jsonValue: candidate)) }
        self.init(field: field, source: source, text: text, reason: reason, candidates: candidates)
    }
}

extension ReviewItem.Candidate {
    /// The candidate as a JSON object.
    public var jsonValue: JSONValue {
        .object([
            "code": .string(code), "rule": .string(rule), "matched": .string(matched), "status": .string(status),
            "why": .string(why), "confidence": .number(confidence),
        ])
    }

    /// Reads the JSON form back.
    /// - Parameter value: an object with string members `code`, `rule`, `matched`, `status` and
    ///   `why`, and a number `confidence` (missing means 1).
    /// - Throws: `SurveyDefinitionError` (file `coding`) when a string member is missing.
    public init(jsonValue value: JSONValue) throws(SurveyDefinitionError) {
        guard let code = value["code"]?.stringValue, let rule = value["rule"]?.stringValue,
            let matched = value["matched"]?.stringValue, let status = value["status"]?.stringValue,
            let why = value["why"]?.stringValue
        else { throw SurveyDefinitionError(file: "coding", message: "a review candidate needs code, rule, matched, status and why") }
        self.init(code: code, rule: rule, matched: matched, status: status, why: why, confidence: value["confidence"]?.numberValue ?? 1)
    }
}

extension [ReviewItem] {
    /// Items per field (`paradata.coding_review`'s counts for one version); `nil` when empty.
    var countsByField: [String: Int]? {
        guard !isEmpty else { return nil }
        var counts: [String: Int] = [:]
        for item in self { counts[item.field, default: 0] += 1 }
        return counts
    }
}
