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
}
