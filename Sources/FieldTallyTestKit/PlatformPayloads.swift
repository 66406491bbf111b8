import Foundation
import SurveyEngine

/// Rewrites a FieldTally submission as a survey platform would send it, for the tally-intake
/// tests: KoboToolbox REST Services JSON, an OpenRosa XML instance, and an ODK Central OData row.
///
/// The rewriting is generic (no question of any survey): answers are flattened to XForm paths
/// (`group/question`), arrays of codes become space-separated lists and numbers text, as the
/// platforms write them; the envelope members go where each platform keeps its metadata.
/// A value the platform could not hold (a list that is not of codes) is kept as it is.
public enum PlatformPayloads {
    /// What a platform calls each envelope member (form id, version, instance id, deprecated id,
    /// respondent id, submission time), by envelope member name.
    static let koboNames = [
        "form_id": "_xform_id_string", "form_version": "__version__", "instance_id": "meta/instanceID",
        "deprecated_id": "meta/deprecatedID", "respondent_id": "respondent_id", "submitted_at": "end",
    ]

    /// KoboToolbox REST Services JSON for `submission`, or `nil` when it is not a JSON object.
    /// - Parameters:
    ///   - submission: the FieldTally submission's bytes.
    ///   - id: Kobo's numeric submission id (`_id`).
    public static func kobo(_ submission: [UInt8], id: Int) -> [UInt8]? {
        guard let object = try? JSONParser().parse(submission).objectValue else { return nil }
        var out = JSONObject()
        for (name, value) in object where name != "answers" {
            out[koboNames[name] ?? name] = value
        }
        if let answers = object["answers"] { flatten(answers, prefix: "", into: &out) }
        if !object.isEmpty {
            out["_id"] = .number(Double(id))
            out["_submission_time"] = .string("2018-01-01T00:00:00")
        }
        return JSONWriter(sortsKeys: false).bytes(.object(out))
    }

    /// An OpenRosa instance for `submission`, or `nil` when it is not a JSON object.
    /// - Parameter submission: the FieldTally submission's bytes.
    public static func openRosa(_ submission: [UInt8]) -> [UInt8]? {
        guard let object = try? JSONParser().parse(submission).objectValue else { return nil }
        var attributes = ""
        if let id = object["form_id"]?.stringValue { attributes += " id=\"\(escape(id))\"" }
        if let version = object["form_version"]?.stringValue { attributes += " version=\"\(escape(version))\"" }
        var meta = ""
        if let instance = object["instance_id"]?.stringValue { meta += "<instanceID>\(escape(instance))</instanceID>" }
        if let deprecated = object["deprecated_id"]?.stringValue { meta += "<deprecatedID>\(escape(deprecated))</deprecatedID>" }
        var body = meta.isEmpty ? "" : "<meta>\(meta)</meta>"
        for name in ["respondent_id", "submitted_at"] {
            if let value = object[name] { body += element(name == "submitted_at" ? "end" : name, value) }
        }
        if let answers = object["answers"]?.objectValue {
            for (name, value) in answers { body += element(name, value) }
        }
        return Array("<?xml version=\"1.0\"?><data\(attributes)>\(body)</data>".utf8)
    }

    /// One ODK Central OData row for `submission` (nested groups, numbers as numbers), or `nil`
    /// when it is not a JSON object. Central does not repeat the form id in a row.
    /// - Parameter submission: the FieldTally submission's bytes.
    public static func centralRow(_ submission: [UInt8]) -> JSONValue? {
        guard let object = try? JSONParser().parse(submission).objectValue else { return nil }
        var row = JSONObject()
        var system = JSONObject()
        var meta = JSONObject()
        for (name, value) in object {
            switch name {
            case "form_id": continue
            case "form_version": system["formVersion"] = value
            case "instance_id":
                row["__id"] = value
                meta["instanceID"] = value
            case "deprecated_id": meta["deprecatedID"] = value
            case "submitted_at": row["end"] = value
            case "answers": for (answer, inner) in value.objectValue ?? JSONObject() { row[answer] = centralValue(inner) }
            default: row[name] = value
            }
        }
        if !meta.isEmpty { row["meta"] = .object(meta) }
        if !system.isEmpty { row["__system"] = .object(system) }
        return .object(row)
    }

    private static func flatten(_ value: JSONValue, prefix: String, into out: inout JSONObject) {
        if case .object(let members) = value {
            for (name, inner) in members { flatten(inner, prefix: prefix.isEmpty ? name : prefix + "/" + name, into: &out) }
        } else {
            out[prefix] = text(value)
        }
    }

    /// A leaf as a platform writes it: codes joined by spaces, numbers as text.
    private static func text(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items) where items.allSatisfy({ $0.stringValue.map { !$0.contains(" ") } ?? false }):
            return .string(items.compactMap(\.stringValue).joined(separator: " "))
        case .number:
            return .string(JSONWriter().string(value))
        default:
            return value
        }
    }

    private static func centralValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.mapValues(centralValue))
        case .array: text(value)
        default: value
        }
    }

    private static func element(_ name: String, _ value: JSONValue) -> String {
        if case .object(let members) = value {
            return "<\(name)>" + members.map { element($0.key, $0.value) }.joined() + "</\(name)>"
        }
        let leaf = text(value)
        let content = leaf.stringValue ?? JSONWriter().string(leaf)
        return "<\(name)>\(escape(content))</\(name)>"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
