extension CodingResult {
    /// A compact summary for listings such as `tally offline --coded`:
    /// `{"respondent_id": "E06000002", "codebook_version": "1.0.0",
    ///   "answered": ["edge_of_care_service", "fgc_timing"],
    ///   "codes": {"edge_of_care_service": ["intensive_family_work"], "fgc_timing": []},
    ///   "numbers": {"duration_weeks": 12}}`.
    ///
    /// `codes` lists every answered field (unanswered fields are left out, so an empty list
    /// means "answered, nothing coded"); evidence is left out (use the full result to audit).
    /// - Parameter respondentID: included as `respondent_id` when given. Default: `nil`.
    public func compactJSON(respondentID: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["codebook_version": .string(codebookVersion)]
        if let respondentID { object["respondent_id"] = .string(respondentID) }
        let answered = fields.filter(\.value.answered)
        object["answered"] = .array(answered.keys.sorted().map(JSONValue.string))
        object["codes"] = .object(answered.mapValues { .array($0.codes.map(JSONValue.string)) })
        object["numbers"] = .object(numbers.mapValues { .number($0.value) })
        return .object(object)
    }

    /// ``compactJSON(respondentID:)`` as one line of JSON text with sorted keys (stable for diffs).
    public func compactJSONText(respondentID: String? = nil) -> String {
        var text = ""
        Self.write(compactJSON(respondentID: respondentID), to: &text)
        return text
    }

    private static func write(_ value: JSONValue, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let b): text += b ? "true" : "false"
        case .number(let n): text += OrderedJSON.format(n)
        case .string(let s): OrderedJSON.quote(s, into: &text)
        case .array(let items):
            text += "["
            for (k, item) in items.enumerated() {
                if k > 0 { text += "," }
                write(item, to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (k, key) in members.keys.sorted().enumerated() {
                if k > 0 { text += "," }
                OrderedJSON.quote(key, into: &text)
                text += ":"
                write(members[key]!, to: &text)
            }
            text += "}"
        }
    }
}
