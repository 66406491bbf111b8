/// A JSON value whose objects keep their member order, for writing documents people read
/// (the tally document's shape is fixed, and codes appear in plan order).
enum OrderedJSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// `number`, or `null` for `nil`.
    static func optional(_ value: Double?) -> OrderedJSON { value.map(OrderedJSON.number) ?? .null }
    /// `int`, or `null` for `nil`.
    static func optional(_ value: Int?) -> OrderedJSON { value.map(OrderedJSON.int) ?? .null }
    /// `string`, or `null` for `nil`.
    static func optional(_ value: String?) -> OrderedJSON { value.map(OrderedJSON.string) ?? .null }

    /// The JSON text; `pretty` indents by two spaces and keeps arrays of scalars on one line.
    func rendered(pretty: Bool) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let n): out += String(n)
        case .number(let x): out += Self.format(x)
        case .string(let text): Self.quote(text, into: &out)
        case .array(let elements):
            let multiline = pretty && !elements.allSatisfy(\.isScalar)
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += multiline ? "," : (pretty ? ", " : ",") }
                if multiline { Self.newline(&out, indent + 1) }
                element.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if multiline && !elements.isEmpty { Self.newline(&out, indent) }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { Self.newline(&out, indent + 1) }
                Self.quote(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty && !members.isEmpty { Self.newline(&out, indent) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int) {
        out += "\n" + String(repeating: "  ", count: indent)
    }

    /// Integral values as integers; others in Swift's shortest round-trip form; non-finite as null.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x.rounded() == x, abs(x) < 1e15 { return String(Int64(x)) }
        return x.description
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
