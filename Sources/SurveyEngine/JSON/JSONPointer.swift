/// RFC 6901 JSON pointers: how a problem says where in a submission it is (`/answers/top_approaches/2`).
public enum JSONPointer {
    /// One reference token escaped for a pointer: `~` becomes `~0`, `/` becomes `~1`.
    /// - Parameter token: A member name or array index, unescaped.
    /// - Returns: The token with `~` and `/` escaped (`~` first, so `/` never turns into `~01`); a
    ///   token without either is returned unchanged.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// The pointer made of `tokens` (member names or array indices), each escaped; `[]` is `""`, the whole document.
    /// - Parameter tokens: The path from the root, outermost first: member names, or array indices as
    ///   decimal text (`"2"`). Each gets a leading `/`.
    /// - Returns: A pointer such as `/answers/top_approaches/2`.
    public static func make(_ tokens: [String]) -> String {
        tokens.reduce(into: "") { $0 += "/" + escape($1) }
    }

    /// The reference tokens of `pointer`, unescaped, or `nil` when it is not a valid pointer
    /// (non-empty and not starting with `/`, or a `~` not followed by `0` or `1`).
    /// - Parameter pointer: The pointer text; `""` names the whole document, and `"/"` names the member
    ///   whose name is empty.
    /// - Returns: The tokens in order, with `~1` decoded to `/` and `~0` to `~`; empty tokens are kept.
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var result: [String] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let c = iterator.next() {
                guard c == "~" else {
                    token.append(c)
                    continue
                }
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
    ///
    /// In an object a token is a member name; in an array it must be a decimal index without sign or
    /// leading zeros (`"02"` and `"-1"` name nothing) that is within bounds. A token applied to a
    /// scalar names nothing.
    /// - Parameter pointer: An RFC 6901 pointer, e.g. `/answers/top_approaches/2`.
    /// - Returns: The value at the pointer, or `nil`.
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
