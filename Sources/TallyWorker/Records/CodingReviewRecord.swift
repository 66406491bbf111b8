import SurveyEngine

/// The value of a `survey.coding-review` record: one respondent's texts of one coded field that
/// the coder could not settle, as its counted (head) version left them.
///
/// ```json
/// {"codebook_version": "2.0.0", "field": "evidence_source", "instance_id": "uuid:…",
///  "items": [{"field": "evidence_source", "source": "answers.approaches.early_help.evidence", "text": "…",
///             "reason": "no_code", "candidates": []}],
///  "position": "survey.submissions/0/42", "respondent_id": "E09000006"}
/// ```
///
/// The key is `respondent_id|field` (``key(respondentID:field:)``) on a compacted topic, so a newer
/// head version of the respondent replaces the field's record, and a version (an edit, or a replay
/// with a newer codebook) that settles the field writes a tombstone (no value) for the key.
public struct CodingReviewRecord: Sendable, Hashable {
    /// The respondent.
    public var respondentID: String
    /// The coded field.
    public var field: String
    /// The counted version's `instance_id`.
    public var instanceID: String
    /// The codebook version that coded it.
    public var codebookVersion: String
    /// Where the version was first read (`topic/partition/offset` of `survey.submissions`).
    public var position: String
    /// The field's texts in review, in source order; never empty (a settled field has a tombstone).
    public var items: [ReviewItem]

    /// Creates a record.
    /// - Parameters:
    ///   - respondentID: the respondent.
    ///   - field: the coded field; every item's `field`.
    ///   - instanceID: the counted version's `instance_id`.
    ///   - codebookVersion: the codebook version that coded it.
    ///   - position: the version's first-read position, `topic/partition/offset`.
    ///   - items: the field's review items, in source order.
    public init(respondentID: String, field: String, instanceID: String, codebookVersion: String, position: String, items: [ReviewItem]) {
        self.respondentID = respondentID
        self.field = field
        self.instanceID = instanceID
        self.codebookVersion = codebookVersion
        self.position = position
        self.items = items
    }

    /// The topic key of a respondent's field: `respondent_id|field`.
    /// - Parameters:
    ///   - respondentID: the respondent.
    ///   - field: the coded field.
    public static func key(respondentID: String, field: String) -> String { "\(respondentID)|\(field)" }

    /// This record's topic key.
    public var key: String { Self.key(respondentID: respondentID, field: field) }

    /// The record's JSON bytes, members sorted by name.
    public func encoded() -> [UInt8] {
        JSONWriter().bytes(
            .object([
                "codebook_version": .string(codebookVersion), "field": .string(field), "instance_id": .string(instanceID),
                "items": .array(items.map(\.jsonValue)), "position": .string(position), "respondent_id": .string(respondentID),
            ])
        )
    }

    /// Decodes a record's value.
    /// - Parameter bytes: a value as ``encoded()`` writes it.
    /// - Throws: `SurveyDefinitionError` (file `survey.coding-review`) when the bytes are not such a record.
    public init(bytes: [UInt8]) throws(SurveyDefinitionError) {
        func fail(_ message: String) -> SurveyDefinitionError { SurveyDefinitionError(file: "survey.coding-review", message: message) }
        guard let document = try? JSONParser().parse(bytes) else { throw fail("not JSON") }
        guard let respondentID = document["respondent_id"]?.stringValue, let field = document["field"]?.stringValue,
            let instanceID = document["instance_id"]?.stringValue, let codebookVersion = document["codebook_version"]?.stringValue,
            let items = document["items"]?.arrayValue
        else { throw fail("a coding review record needs respondent_id, field, instance_id, codebook_version and items") }
        var decoded: [ReviewItem] = []
        for item in items { decoded.append(try ReviewItem(jsonValue: item)) }
        self.init(
            respondentID: respondentID,
            field: field,
            instanceID: instanceID,
            codebookVersion: codebookVersion,
            position: document["position"]?.stringValue ?? "",
            items: decoded
        )
    }
}
