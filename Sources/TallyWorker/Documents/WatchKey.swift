/// What a key pressed in `tally watch` asks for.
public enum WatchKey: Sendable, Hashable {
    /// `n`, space or Page Down.
    case nextPage
    /// `p`, `b` or Page Up.
    case previousPage
    /// `q` or Ctrl-C.
    case quit

    /// The keys in bytes read from a terminal in raw mode; other bytes and escape sequences are ignored.
    ///
    /// - Parameter bytes: What one read returned (a key, or several typed quickly).
    /// - Returns: The keys in the order typed.
    public static func decode(_ bytes: [UInt8]) -> [WatchKey] {
        var keys: [WatchKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "n"), UInt8(ascii: " "): keys.append(.nextPage)
            case UInt8(ascii: "p"), UInt8(ascii: "b"): keys.append(.previousPage)
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03: keys.append(.quit)
            case 0x1B:
                // CSI: ESC [ parameters final-byte; Page Up is ESC [ 5 ~, Page Down ESC [ 6 ~.
                guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { continue }
                var end = index + 1
                while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
                let parameters = bytes[(index + 1)..<min(end, bytes.count)]
                if end < bytes.count, bytes[end] == UInt8(ascii: "~") {
                    if parameters.elementsEqual([UInt8(ascii: "5")]) { keys.append(.previousPage) }
                    if parameters.elementsEqual([UInt8(ascii: "6")]) { keys.append(.nextPage) }
                }
                index = end + 1
            default: continue
            }
        }
        return keys
    }
}
