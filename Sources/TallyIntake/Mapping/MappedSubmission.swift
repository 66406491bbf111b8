import SurveyEngine

/// A platform submission mapped to FieldTally's envelope, ready to produce.
public struct MappedSubmission: Sendable {
    /// The submission (envelope members and answers).
    public var envelope: JSONValue
    /// The envelope members the instrument requires that the platform's submission did not
    /// hold (the `answers` member when no answer was found); empty when it mapped completely.
    public var missing: [String]
    let respondentMember: String
    let instanceMember: String

    /// The respondent id, which keys the record, when the platform sent one.
    public var respondentID: String? { envelope[respondentMember]?.stringValue }

    /// The instance id, when the platform sent one.
    public var instanceID: String? { envelope[instanceMember]?.stringValue }

    /// The submission as compact UTF-8 JSON, members in mapping order.
    public var bytes: [UInt8] { JSONWriter(sortsKeys: false).bytes(envelope) }
}
