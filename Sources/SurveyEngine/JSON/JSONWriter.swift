import Foundation

/// Writes a `JSONValue` as RFC 8259 JSON (UTF-8), compact by default.
///
/// Output is deterministic when `sortsKeys` is true (the default): object members are ordered by
/// the UTF-8 bytes of their names, i.e. by Unicode code point, the same order any language gets
/// from a byte-wise sort. With `sortsKeys` false members keep the order their `JSONObject` holds
/// (the order they were added), for documents whose shape is fixed for people to read.
/// Strings escape only `"`, `\` and control characters; other characters
/// are written as raw UTF-8. Whole numbers below 10^18 in magnitude are written as integers
/// (`2018`, not `2018.0`; negative zero as `0`); other numbers use the shortest text that reads
/// back to the same `Double`. Non-finite numbers cannot come from the parser and are written as `null`.
public struct JSONWriter: Sendable {
    /// Whether object members are sorted by name. Default: `true` (deterministic output).
    /// With `false` members come in the order the object holds them (the order they were added).
    public var sortsKeys: Bool

    /// Whether the output is indented for people: each object member and each element of an
    /// array holding objects or arrays on its own line, two spaces per level, `": "` after a
    /// name; an array of scalars stays on one line (`[1, 2]`). Default: `false` (one line, no
    /// insignificant whitespace).
    public var pretty: Bool

    /// Creates a writer.
    /// - Parameters:
    ///   - sortsKeys: sort object members by name. Default: `true`.
    ///   - pretty: indent for people. Default: `false`.
    public init(sortsKeys: Bool = true, pretty: Bool = false) {
        self.sortsKeys = sortsKeys
        self.pretty = pretty
    }

    /// The JSON bytes of `value`.
    ///
    /// The buffer starts with room for 256 bytes and grows as needed.
    /// - Parameter value: The value to write, with this writer's key order and layout.
    /// - Returns: The UTF-8 bytes, with no trailing newline.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// The JSON text of `value`.
    /// - Parameter value: The value to write, with this writer's key order and layout.
    /// - Returns: The same text `bytes(_:)` produces, decoded as UTF-8; no trailing newline.
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// Appends the JSON bytes of `value` to `output`.
    /// - Parameters:
    ///   - value: The value to write, with this writer's key order and layout.
    ///   - output: The buffer to append to; existing bytes are kept and no newline is added.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        write(value, depth: 0, into: &output)
    }

    private func write(_ value: JSONValue, depth: Int, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            JSONWriter.writeNumber(number, into: &output)
        case .string(let text):
            JSONWriter.writeString(text, into: &output)
        case .array(let elements):
            let multiline = pretty && elements.contains(where: \.isContainer)
            output.append(UInt8(ascii: "["))
            for (n, element) in elements.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                if multiline {
                    newline(depth + 1, into: &output)
                } else if n > 0 && pretty {
                    output.append(UInt8(ascii: " "))
                }
                write(element, depth: depth + 1, into: &output)
            }
            if multiline { newline(depth, into: &output) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var first = true
            func member(_ name: String, _ member: JSONValue) {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if pretty { newline(depth + 1, into: &output) }
                JSONWriter.writeString(name, into: &output)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                write(member, depth: depth + 1, into: &output)
            }
            if sortsKeys && members.count > 1 {
                for (name, value) in members.sorted(by: { JSONWriter.precedes($0.key, $1.key) }) { member(name, value) }
            } else {
                for (name, value) in members { member(name, value) }
            }
            if pretty && !members.isEmpty { newline(depth, into: &output) }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A line break and two spaces per level of `depth`.
    private func newline(_ depth: Int, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    /// Code point order, which for UTF-8 is byte order.
    static func precedes(_ a: String, _ b: String) -> Bool {
        // Native strings (all the parser and the YAML loader make) compare in place with memcmp.
        if let order = a.utf8.withContiguousStorageIfAvailable({ x in
            b.utf8.withContiguousStorageIfAvailable { y in
                let common = Swift.min(x.count, y.count)
                let c = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return c != 0 ? c < 0 : x.count < y.count
            }
        }), let order {
            return order
        }
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
    }

    /// Appends `number` as JSON: an integer when whole and below 10^18 in magnitude, else the
    /// shortest text that reads back to it; `null` when not finite.
    /// - Parameters:
    ///   - number: The number; `-0.0` is written `0`, `1e-7` as `1e-07` (Swift's shortest form).
    ///   - output: The buffer to append to.
    public static func writeNumber(_ number: Double, into output: inout [UInt8]) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number.rounded(.towardZero) == number && abs(number) < 1e18 {
            writeInteger(Int64(number), into: &output)
        } else {
            // Swift's description is the shortest round-tripping form and is valid JSON (e.g. `1e-07`).
            output.append(contentsOf: number.description.utf8)
        }
    }

    /// Appends `text` as a JSON string: `"`, `\` and control characters escaped, the rest raw UTF-8.
    ///
    /// Escapes use the short forms `\n`, `\r`, `\t`, `\b` and `\f` where JSON has them, else `\u00xx`
    /// in lowercase hex; `/` and non-ASCII characters are not escaped.
    /// - Parameters:
    ///   - text: The string, written between double quotes.
    ///   - output: The buffer to append to.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Native and small strings are read in place (no copy of the string to reach its bytes).
        if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, into: &output) }) == nil {
            var text = text
            text.withUTF8 { appendEscaped($0, into: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether a JSON string must escape `byte`: `"`, `\` and control characters.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends UTF-8 `bytes` with `"`, `\` and control characters escaped; text that needs no
    /// escaping (almost all) is found in one pass and copied in one go.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var plain = true
        for byte in bytes where needsEscape(byte) {
            plain = false
            break
        }
        if plain {
            output.append(contentsOf: bytes)
            return
        }
        // Copy runs that need no escaping in one go.
        var runStart = 0
        for i in 0..<bytes.count {
            let byte = bytes[i]
            guard needsEscape(byte) else { continue }
            if i > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            output.append(0x5C)
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "t"))
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            default:
                output.append(contentsOf: "u00".utf8)
                output.append(contentsOf: JSONReader.hex(byte).lowercased().utf8)
            }
        }
        if bytes.count > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }
}

extension JSONValue {
    /// Whether this is an array or an object (what a pretty array puts on lines of their own).
    fileprivate var isContainer: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }
}

extension JSONWriter {
    /// The JSON text of an object whose members come in the given order (for lines people read,
    /// where a documented order beats byte order); member values are written as ``string(_:)`` writes them.
    /// - Parameter members: names and values, in the order written; names should not repeat.
    /// - Returns: `{"a":…,"b":…}`, without a newline.
    public func string(inOrder members: [(String, JSONValue)]) -> String {
        "{" + members.map { string(.string($0.0)) + ":" + string($0.1) }.joined(separator: ",") + "}"
    }
}
