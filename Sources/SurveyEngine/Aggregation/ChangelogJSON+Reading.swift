import Foundation

/// Reads changelog record values with the engine's `JSONParser` instead of `JSONDecoder`: the
/// same documents (`ChangelogJSON` writes them, and `JSONEncoder` wrote them in earlier builds)
/// and the same rules (every member the `Codable` types require, the right JSON type for each,
/// counts and offsets that are whole numbers), but without `Codable`'s boxed containers. A
/// restore reads one record per respondent ever seen, so this decides how long a restarted
/// aggregator takes before it counts again.
extension ChangelogJSON {
    /// What a value does not hold that it must: the member's path and what was found.
    struct ReadError: Error {
        let message: String
    }

    /// A respondent record's state, with its contribution.
    ///
    /// - Parameter value: The record value.
    /// - Throws: `ReadError` naming the first member that is missing or of another type.
    static func readRespondentState(_ value: Data) throws(ReadError) -> RespondentState {
        let root = try object(parse(value), "the record")
        var state = RespondentState(respondentId: try string(root, "respondent_id"))
        state.applied = try counts(member(root, "applied"), "applied")
        if let head = root["head_instance_id"], head != .null { state.headInstanceId = try string(head, "head_instance_id") }
        state.paradata = try paradata(member(root, "paradata"), "paradata")
        for (instance, fingerprint) in try object(member(root, "versions"), "versions") {
            guard case .string(let hex) = fingerprint, hex.utf8.count == 16, let bits = UInt64(hex, radix: 16) else {
                throw ReadError(message: "versions.\(instance) is not 16 hex digits")
            }
            state.versions[instance] = ContentFingerprint(value: bits)
        }
        if let contribution = root["contribution"], contribution != .null {
            state.contribution = try self.contribution(contribution)
        }
        return state
    }

    /// A partition's paradata record.
    ///
    /// - Parameter value: The record value.
    /// - Throws: `ReadError` naming the first member that is missing or of another type.
    static func readPartitionParadata(_ value: Data) throws(ReadError) -> PartitionParadata {
        let root = try object(parse(value), "the record")
        var record = PartitionParadata(partition: try integer(member(root, "partition"), "partition"))
        record.applied = try counts(member(root, "applied"), "applied")
        record.paradata = try paradata(member(root, "paradata"), "paradata")
        return record
    }

    private static func contribution(_ value: JSONValue) throws(ReadError) -> Contribution {
        let members = try object(value, "contribution")
        var fields: [String: Contribution.FieldValue] = [:]
        let fieldMembers = try object(member(members, "fields", in: "contribution"), "contribution.fields")
        fields.reserveCapacity(fieldMembers.count)
        for (name, field) in fieldMembers {
            let path = "contribution.fields.\(name)"
            let answered = try member(object(field, path), "answered", in: path)
            guard case .bool(let flag) = answered else { throw ReadError(message: "\(path).answered is not true or false") }
            fields[name] = Contribution.FieldValue(
                answered: flag,
                codes: try strings(member(object(field, path), "codes", in: path), "\(path).codes")
            )
        }
        var numbers: [String: Double] = [:]
        for (name, number) in try object(member(members, "numbers", in: "contribution"), "contribution.numbers") {
            guard case .number(let n) = number else { throw ReadError(message: "contribution.numbers.\(name) is not a number") }
            numbers[name] = n
        }
        let review = members["coding_review"].flatMap { $0 == .null ? nil : $0 }
        return Contribution(
            region: try string(members, "region", in: "contribution"),
            formVersion: try string(members, "form_version", in: "contribution"),
            codebookVersion: try string(members, "codebook_version", in: "contribution"),
            day: try string(members, "day", in: "contribution"),
            fields: fields,
            numbers: numbers,
            freeTextAnswered: try strings(member(members, "free_text_answered", in: "contribution"), "contribution.free_text_answered"),
            codingReview: try review.map { (v: JSONValue) throws(ReadError) in try counts(v, "contribution.coding_review") }
        )
    }

    private static func paradata(_ value: JSONValue, _ path: String) throws(ReadError) -> ParadataCounts {
        let members = try object(value, path)
        var counts = ParadataCounts()
        counts.acceptedFirstSubmissions = try integer(member(members, "accepted_first_submissions", in: path), "\(path).accepted_first_submissions")
        counts.acceptedEdits = try integer(member(members, "accepted_edits", in: path), "\(path).accepted_edits")
        counts.noopIdenticalResends = try integer(member(members, "noop_identical_resends", in: path), "\(path).noop_identical_resends")
        counts.rejectedByReason = try self.counts(member(members, "rejected_by_reason", in: path), "\(path).rejected_by_reason")
        counts.invalidMessagesByProblemCode = try self.counts(
            member(members, "invalid_messages_by_problem_codes", in: path),
            "\(path).invalid_messages_by_problem_codes"
        )
        counts.invalidProblemsByCode = try self.counts(member(members, "invalid_problems_by_code", in: path), "\(path).invalid_problems_by_code")
        counts.acceptedVersionsPerDay = try self.counts(member(members, "accepted_versions_per_day", in: path), "\(path).accepted_versions_per_day")
        return counts
    }

    // MARK: Pieces

    private static func parse(_ value: Data) throws(ReadError) -> JSONValue {
        do {
            return try JSONParser().parse(value)
        } catch {
            throw ReadError(message: "not JSON: \(error)")
        }
    }

    private static func object(_ value: JSONValue, _ path: String) throws(ReadError) -> JSONObject {
        guard case .object(let members) = value else { throw ReadError(message: "\(path) is not an object") }
        return members
    }

    private static func member(_ members: JSONObject, _ name: String, in path: String = "the record") throws(ReadError) -> JSONValue {
        guard let value = members[name] else { throw ReadError(message: "\(path) has no member '\(name)'") }
        return value
    }

    private static func string(_ members: JSONObject, _ name: String, in path: String = "the record") throws(ReadError) -> String {
        try string(member(members, name, in: path), path == "the record" ? name : "\(path).\(name)")
    }

    private static func string(_ value: JSONValue, _ path: String) throws(ReadError) -> String {
        guard case .string(let s) = value else { throw ReadError(message: "\(path) is not a string") }
        return s
    }

    private static func strings(_ value: JSONValue, _ path: String) throws(ReadError) -> [String] {
        guard case .array(let items) = value else { throw ReadError(message: "\(path) is not an array") }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items { strings.append(try string(item, path)) }
        return strings
    }

    private static func integer<Integer: FixedWidthInteger>(_ value: JSONValue, _ path: String) throws(ReadError) -> Integer {
        guard case .number(let n) = value, let whole = Integer(exactly: n) else { throw ReadError(message: "\(path) is not a whole number") }
        return whole
    }

    private static func counts<Integer: FixedWidthInteger>(_ value: JSONValue, _ path: String) throws(ReadError) -> [String: Integer] {
        let members = try object(value, path)
        var counts: [String: Integer] = [:]
        counts.reserveCapacity(members.count)
        for (name, count) in members { counts[name] = try integer(count, "\(path).\(name)") }
        return counts
    }
}
