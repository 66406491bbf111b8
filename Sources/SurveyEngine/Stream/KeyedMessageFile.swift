/// Reads the two message file formats operators feed to FieldTally, from bytes:
///
/// - `key<TAB>value` per line, as `kcat -K '\t'` reads and writes them (the sample's `stream.tsv`);
///   an empty key means no key;
/// - plain JSON lines (a line whose first byte is `{`), keyed by the value's `respondent_id` when it
///   can be found, else sent without a key.
///
/// Values are kept byte for byte (a malformed value is still a message: the pipeline rejects it
/// with a reason). Blank lines are skipped; a trailing `\r` is removed.
public enum KeyedMessageFile {
    /// Splits `bytes` into messages, one per non-empty line.
    ///
    /// Lines end at `\n`; a trailing `\r` is dropped, and lines left empty are skipped but still
    /// counted, so each message's `line` matches the line number an editor shows. A final line
    /// without a newline is still read.
    /// - Parameter bytes: The whole file's contents, in either format (formats may be mixed line by line).
    /// - Returns: The messages in file order, each numbered with its 1-based line.
    public static func parse(_ bytes: some Collection<UInt8>) -> [KeyedMessage] {
        var out: [KeyedMessage] = []
        var line: [UInt8] = []
        var number = 0
        func flush() {
            number += 1
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard !line.isEmpty else { return }
            out.append(message(fromLine: line, number: number))
        }
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                flush()
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(b)
            }
        }
        if !line.isEmpty { flush() }
        return out
    }

    /// One line's message (without its newline).
    ///
    /// A line whose first byte is `{` is a JSON line: the whole line is the value, and the key is the
    /// first unescaped `"respondent_id":"…"` string found by a byte scan (no JSON parse, so a malformed
    /// value still gets its key when the id is readable), else `nil`. Any other line is split at its
    /// first tab into key and value; an empty key gives `nil`, and a line without a tab is a keyless
    /// message whose value is the whole line.
    /// - Parameters:
    ///   - line: The line's bytes, without the newline (and without a trailing `\r`).
    ///   - number: The line's 1-based number, stored as the message's `line`. Default: `0` (not from a file).
    /// - Returns: The message; never fails, since a malformed value is rejected later by the pipeline.
    public static func message(fromLine line: [UInt8], number: Int = 0) -> KeyedMessage {
        if line.first == UInt8(ascii: "{") {
            return KeyedMessage(key: respondentKey(in: line), value: line, line: number)
        }
        guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else {
            return KeyedMessage(key: nil, value: line, line: number)
        }
        let key = Array(line[..<tab])
        return KeyedMessage(key: key.isEmpty ? nil : key, value: Array(line[(tab + 1)...]), line: number)
    }

    /// The value of the first `"respondent_id":"…"` member, found without a full parse
    /// (the value may be malformed; an escaped or missing id gives no key).
    static func respondentKey(in value: [UInt8]) -> [UInt8]? {
        let needle = Array(#""respondent_id""#.utf8)
        guard value.count > needle.count else { return nil }
        var i = 0
        while i + needle.count <= value.count {
            if value[i] == needle[0], Array(value[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                while j < value.count, value[j] == UInt8(ascii: " ") || value[j] == UInt8(ascii: ":") { j += 1 }
                guard j < value.count, value[j] == UInt8(ascii: "\"") else { return nil }
                let start = j + 1
                var end = start
                while end < value.count, value[end] != UInt8(ascii: "\""), value[end] != UInt8(ascii: "\\") { end += 1 }
                guard end < value.count, value[end] == UInt8(ascii: "\""), end > start else { return nil }
                return Array(value[start..<end])
            }
            i += 1
        }
        return nil
    }
}
