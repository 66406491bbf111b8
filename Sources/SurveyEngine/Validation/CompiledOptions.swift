/// An option list prepared for membership tests on the hot path.
///
/// Short lists (the usual case) are searched linearly: comparing a few short strings is cheaper
/// than hashing one. Long lists use a hash index.
struct CompiledOptions: Sendable {
    let name: String
    let codes: [String]
    private let index: [String: Int]?

    init(_ list: OptionList) {
        name = list.name
        codes = list.codes
        index = codes.count > 12 ? Dictionary(codes.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) : nil
    }

    /// The position of `code` in the list, or `nil`.
    @inline(__always)
    func position(of code: String) -> Int? {
        if let index { return index[code] }
        for i in codes.indices where codes[i] == code { return i }
        return nil
    }

    @inline(__always)
    func contains(_ code: String) -> Bool { position(of: code) != nil }
}
