import Foundation
import SurveyEngine

/// The value of a `survey.rejected` record: the original message, why it was not counted,
/// where it came from and which worker turned it away.
///
/// The original value is kept byte for byte: as text in `value` when it is valid UTF-8, else in
/// `value_base64`. Readers (the aggregator's paradata, `tally rejected`) decode it with `JSONDecoder`.
public struct DeadLetter: Codable, Sendable, Hashable {
    /// Where the rejected submission was first read (its `survey.submissions` position).
    public typealias Source = SourcePosition


    /// The stable reason code (`invalid`, `unknown_respondent`, `stale_edit`, …).
    public var reason: String
    /// Every problem found (JSON pointer, code, message); may be empty for stateful reasons.
    public var problems: [Problem]
    /// A sentence for the person reading it, where the problems do not say it all
    /// (e.g. which head a stale edit should have named).
    public var detail: String?
    /// The worker that rejected it, e.g. `tally-validate`.
    public var worker: String
    /// The input record's coordinates.
    public var source: Source
    /// The original key as text, or `nil` for a record without a key.
    public var key: String?
    /// The original value when it is valid UTF-8.
    public var value: String?
    /// The original value in base64 when it is not valid UTF-8.
    public var valueBase64: String?
    /// `true` when `value` / `value_base64` hold only the start of the original, which was too
    /// large for a dead-letter record (see ``valueBytes``); absent otherwise.
    public var valueTruncated: Bool?
    /// The original value's size in bytes, given when it was truncated.
    public var valueBytes: Int?
    /// The respondent, when the message named one.
    public var respondentID: String?
    /// The instance, when the message named one.
    public var instanceID: String?
    /// When the worker rejected it (RFC 3339, UTC).
    public var rejectedAt: String

    enum CodingKeys: String, CodingKey {
        case reason, problems, detail, worker, source, key, value
        case valueBase64 = "value_base64"
        case valueTruncated = "value_truncated"
        case valueBytes = "value_bytes"
        case respondentID = "respondent_id"
        case instanceID = "instance_id"
        case rejectedAt = "rejected_at"
    }

    /// A dead letter for `rejection` of the record `key`/`value` read at `source` by `worker`.
    public init(rejection: Rejection, detail: String? = nil, worker: String, source: Source, key: [UInt8]?, value: [UInt8],
                at date: Date = Date()) {
        reason = rejection.reason.rawValue
        problems = rejection.problems
        self.detail = detail
        self.worker = worker
        self.source = source
        self.key = key.map { String(decoding: $0, as: UTF8.self) }
        if let text = String(validating: value, as: UTF8.self) {
            self.value = text
        } else {
            valueBase64 = Data(value).base64EncodedString()
        }
        respondentID = rejection.respondentId
        instanceID = rejection.instanceId
        rejectedAt = date.formatted(.iso8601)
    }

    /// The original value's bytes, from whichever of `value` / `value_base64` is present (only its
    /// first part when ``valueTruncated``).
    public var originalValue: [UInt8] {
        if let value { return Array(value.utf8) }
        return valueBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? []
    }

    /// The rejection this dead letter records (reason decoded back into the engine's type).
    public var rejection: Rejection? {
        RejectionReason(rawValue: reason).map {
            Rejection(reason: $0, problems: problems, respondentId: respondentID, instanceId: instanceID)
        }
    }
}
