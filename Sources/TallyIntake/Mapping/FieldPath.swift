/// A slash-separated path to a platform field (`approaches/whole_system/description`,
/// `meta/instanceID`, `@id`), where a `*` step matches any one name.
///
/// KoboToolbox writes a field's XForm path as one flat JSON key (`"group/question"`), ODK
/// Central's OData JSON nests objects, and an OpenRosa instance nests elements: all three are
/// flattened to the same leaf paths (``PlatformDocument``) before a path is matched.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The steps; `*` matches any one step.
    public let steps: [Substring]

    /// Parses `text`, e.g. `approaches/*/introduced_year`.
    /// - Parameter text: slash-separated names; empty steps (a leading, trailing or doubled `/`) are
    ///   dropped, so `/meta/instanceID/` and `meta/instanceID` are the same path. Not validated: any text parses.
    public init(_ text: String) {
        steps = text.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// How many `*` steps the path has.
    public var wildcardCount: Int { steps.count { $0 == "*" } }

    /// The names `path`'s steps bind to this path's `*` steps, in order, or `nil` when `path`
    /// does not match.
    /// - Parameter path: a leaf's full path; it matches only with exactly as many steps, each equal
    ///   to the pattern's name or bound to a `*`.
    /// - Returns: one name per `*` step (empty for a path without wildcards), or `nil` on no match.
    public func match(_ path: [Substring]) -> [Substring]? {
        guard path.count == steps.count else { return nil }
        var bound: [Substring] = []
        for (pattern, step) in zip(steps, path) {
            if pattern == "*" { bound.append(step) } else if pattern != step { return nil }
        }
        return bound
    }

    /// The path with its `*` steps replaced by `names`, in order.
    /// - Parameter names: the names to put in, usually what ``match(_:)`` bound on another path. Extra
    ///   names are ignored; a `*` left without a name stays `*`.
    /// - Returns: the steps, filled.
    public func filling(_ names: [Substring]) -> [Substring] {
        var remaining = names[...]
        return steps.map { $0 == "*" ? (remaining.popFirst() ?? $0) : $0 }
    }

    /// The path as written.
    public var description: String { steps.joined(separator: "/") }
}
