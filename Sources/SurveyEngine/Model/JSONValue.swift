/// A parsed JSON document: the engine's view of a submission's bytes.
///
/// Objects compare unordered (`JSONObject`): two submissions with the same members compare
/// equal whatever the order their producer wrote them in, which is what the "identical
/// re-send" rule needs.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Any JSON number, as a `Double` (integers beyond 2^53 lose precision).
    case number(Double)
    /// A string, unescaped.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, its members compared without regard to order.
    case object(JSONObject)

    /// An object with the members of `dictionary`.
    ///
    /// - Parameter dictionary: The members; their order is the dictionary's, which is not stable between runs.
    /// - Returns: `.object` holding them.
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
    ///
    /// - Parameter path: Member names separated by `.`; empty steps (`a..b`, a leading dot) are skipped, and an
    ///   empty path returns this value. A step never indexes into an array.
    /// - Returns: The value found, which may be `.null`; nil when a step is missing or meets a non-object.
    public func value(atPath path: some StringProtocol) -> JSONValue? {
        var current: JSONValue? = self
        for step in path.split(separator: ".") {
            current = current?[String(step)]
        }
        return current
    }
}
