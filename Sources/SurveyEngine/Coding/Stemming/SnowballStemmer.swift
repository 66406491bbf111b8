import CStemmer

/// An English Snowball stemmer (Debian's `libstemmer`): "preventative", "preventive" and
/// "prevention" all become "prevent", so a concept word matches its other word forms.
///
/// A Snowball stemmer keeps state between calls, so an instance must not be shared between
/// threads (the class is not `Sendable`): each ``TextAnalysis`` owns one, and the compiler makes its own.
final class SnowballStemmer {
    private let handle: OpaquePointer

    /// Creates a stemmer for `language` (a Snowball algorithm name such as `english`), or `nil`
    /// when libstemmer does not know it.
    init?(language: String) {
        guard let handle = sb_stemmer_new(language, "UTF_8") else { return nil }
        self.handle = handle
    }

    deinit {
        sb_stemmer_delete(handle)
    }

    /// The stem of a lower-cased word, handed to `body` (valid only inside the call).
    func withStem<R>(of word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let base = word.baseAddress, let stem = sb_stemmer_stem(handle, base, Int32(word.count)) else {
            return body(word)
        }
        return body(UnsafeBufferPointer(start: stem, count: Int(sb_stemmer_length(handle))))
    }

    /// The stem of a lower-cased word.
    func stem(_ word: [UInt8]) -> [UInt8] {
        word.withUnsafeBufferPointer { withStem(of: $0, Array.init) }
    }

    /// The Snowball algorithm names this libstemmer knows (`english`, `porter`, …).
    static var languages: [String] {
        var names: [String] = []
        guard var list = sb_stemmer_list() else { return names }
        while let name = list.pointee {
            names.append(String(cString: name))
            list += 1
        }
        return names
    }
}
