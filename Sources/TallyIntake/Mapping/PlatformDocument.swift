import SurveyEngine

/// A submission as a survey platform sent it, flattened to its leaf values by path.
///
/// Objects are walked member by member and a member name that holds slashes (KoboToolbox's
/// `"approaches/whole_system/description"`) adds each of its steps, so KoboToolbox JSON, ODK
/// Central's nested JSON and an OpenRosa XML instance (``XMLInstance``) of one form all give
/// the same paths. Arrays and scalars are leaves. Empty strings are left out: ODK writes an
/// unanswered question as an empty element, KoboToolbox leaves it out, and both mean "no answer".
public struct PlatformDocument: Sendable {
    /// One leaf: its path's steps and its value.
    public struct Leaf: Sendable {
        /// The steps from the document's root to the leaf.
        public var path: [Substring]
        /// The value (never an object).
        public var value: JSONValue
    }

    /// Every leaf, in document order.
    public private(set) var leaves: [Leaf] = []

    /// Flattens `root` (normally an object).
    /// - Parameter root: a parsed JSON document, or an XML instance as ``XMLInstance`` gives it.
    public init(_ root: JSONValue) {
        walk(root, path: [])
    }

    private mutating func walk(_ value: JSONValue, path: [Substring]) {
        switch value {
        case .object(let members):
            for (name, member) in members {
                let steps = name.split(separator: "/", omittingEmptySubsequences: true)
                walk(member, path: path + (steps.isEmpty ? [Substring(name)] : steps))
            }
        case .string(let text) where text.isEmpty:
            return
        case .null:
            return
        default:
            leaves.append(Leaf(path: path, value: value))
        }
    }

    /// The value of the first leaf at exactly `path` (no wildcards), or `nil`.
    /// - Parameter path: compared step for step; a `*` step here matches only a field literally named `*`.
    /// - Returns: the leaf's value, or `nil` when there is none: also for a field that was null or an
    ///   empty string, as those are not kept as leaves.
    public func value(at path: FieldPath) -> JSONValue? {
        leaves.first { $0.path == path.steps }?.value
    }
}
