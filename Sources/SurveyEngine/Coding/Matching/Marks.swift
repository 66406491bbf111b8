/// The punctuation seen between two words, as a bit set: what a phrase may not span and where
/// a negation scope or a number ends.
struct Marks: OptionSet, Hashable, Sendable {
    let rawValue: UInt16

    static let period = Marks(rawValue: 1 << 0)
    static let comma = Marks(rawValue: 1 << 1)
    static let semicolon = Marks(rawValue: 1 << 2)
    static let colon = Marks(rawValue: 1 << 3)
    static let exclamation = Marks(rawValue: 1 << 4)
    static let question = Marks(rawValue: 1 << 5)
    /// `-`, en dash and em dash.
    static let hyphen = Marks(rawValue: 1 << 6)
    static let openParenthesis = Marks(rawValue: 1 << 7)
    static let closeParenthesis = Marks(rawValue: 1 << 8)
    static let slash = Marks(rawValue: 1 << 9)
    static let ampersand = Marks(rawValue: 1 << 10)
    static let plus = Marks(rawValue: 1 << 11)
    /// Straight and curly quotes (an apostrophe inside a word is not a mark: "children's").
    static let quote = Marks(rawValue: 1 << 12)
    /// Line breaks and bullets.
    static let newline = Marks(rawValue: 1 << 13)
    /// Any other symbol.
    static let other = Marks(rawValue: 1 << 14)

    /// The names a codebook may use in `sentence_breaks`, and the mark each stands for.
    static let names: [(name: String, mark: Marks)] = [
        (".", .period), (",", .comma), (";", .semicolon), (":", .colon), ("!", .exclamation), ("?", .question),
        ("-", .hyphen), ("(", .openParenthesis), (")", .closeParenthesis), ("/", .slash), ("&", .ampersand),
        ("+", .plus), ("\"", .quote), ("newline", .newline),
    ]

    /// The mark called `name` in a codebook, or `nil`.
    static func named(_ name: String) -> Marks? { names.first { $0.name == name }?.mark }

    /// The mark of one ASCII punctuation byte (spaces and tabs are no mark).
    @inline(__always)
    static func ascii(_ byte: UInt8) -> Marks {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"): return []
        case UInt8(ascii: "."): return .period
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: ";"): return .semicolon
        case UInt8(ascii: ":"): return .colon
        case UInt8(ascii: "!"): return .exclamation
        case UInt8(ascii: "?"): return .question
        case UInt8(ascii: "-"): return .hyphen
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): return .openParenthesis
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): return .closeParenthesis
        case UInt8(ascii: "/"), UInt8(ascii: "\\"): return .slash
        case UInt8(ascii: "&"): return .ampersand
        case UInt8(ascii: "+"): return .plus
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): return .quote
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C: return .newline
        default: return .other
        }
    }
}
