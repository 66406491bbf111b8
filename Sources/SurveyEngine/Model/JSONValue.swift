/// A parsed JSON document: the engine's view of a submission's bytes.
///
/// Objects compare unordered (`JSONObject`): two submissions with the same members compare
/// equal whatever the order their producer wrote them in, which is what the "identical
/// re-send" rule needs.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// An object with the members of `dictionary`.
    public static func object(_ dictionary: [String: JSONValue]) -> JSONValue {
        .object(JSONObject(dictionary))
    }

    /// The member `key` of an object, or `nil` for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string payload, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The numeric payload, or `nil` when this is not a number.
    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The elements of an array, or `nil` when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members of an object, or `nil` when this is not an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The value at a dotted path such as `answers.approaches.whole_system.description`
    /// (object members only), or `nil` where any step is missing.
    public func value(atPath path: some StringProtocol) -> JSONValue? {
        var current: JSONValue? = self
        for step in path.split(separator: ".") {
            current = current?[String(step)]
        }
        return current
    }
}
