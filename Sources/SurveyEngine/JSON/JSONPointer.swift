/// RFC 6901 JSON pointers: how a problem says where in a submission it is (`/answers/top_approaches/2`).
public enum JSONPointer {
    /// One reference token escaped for a pointer: `~` becomes `~0`, `/` becomes `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// The pointer made of `tokens` (member names or array indices), each escaped; `[]` is `""`, the whole document.
    public static func make(_ tokens: [String]) -> String {
        tokens.reduce(into: "") { $0 += "/" + escape($1) }
    }

    /// The reference tokens of `pointer`, unescaped, or `nil` when it is not a valid pointer
    /// (non-empty and not starting with `/`, or a `~` not followed by `0` or `1`).
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var result: [String] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let c = iterator.next() {
                guard c == "~" else { token.append(c); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: return nil
                }
            }
            result.append(token)
        }
        return result
    }
}

extension JSONValue {
    /// The value an RFC 6901 pointer names (`""` = this value), or `nil` when the pointer is
    /// malformed or names nothing.
    public func value(atPointer pointer: String) -> JSONValue? {
        guard let tokens = JSONPointer.tokens(pointer) else { return nil }
        var current = self
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let i = Int(token), token == String(i), i >= 0, i < elements.count else { return nil }
                current = elements[i]
            default:
                return nil
            }
        }
        return current
    }
}
