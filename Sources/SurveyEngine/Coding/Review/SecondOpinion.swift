import Foundation

/// A second opinion for the review queue: per field and code, a logistic regression over the stems
/// of a text's words and word pairs, trained on blind texts with gold codes. A text the rules are
/// sure of goes to review (`second_opinion`) when the model reads one of its field's codes clearly
/// otherwise: a code the rules found that the model puts below `0.5 - margin`, or a code they did
/// not find that it puts above `0.5 + margin`.
///
/// The rules still decide every code; the model only chooses what a person looks at. It catches
/// what the rules cannot know they got wrong: a confident code in wording no rule author saw, a
/// code nothing in the rules hints at.
///
/// The file is written by `Schemas/<survey>/generalisation/tools/second_opinion.py` and named by the
/// codebook's `review.second_opinion` (see `Schemas/CODEBOOK.md`). A feature is a stem or a pair of
/// stems of consecutive words; its value is `(1 + ln count) × idf`, and a text's values are scaled to
/// unit length. The coder stems nothing: `forms` lists the lower-cased words of the training texts
/// with their stems, so a word the training texts never wrote adds nothing.
public struct SecondOpinion: Sendable, Hashable, Decodable {
    /// One code's regression.
    public struct CodeModel: Sendable, Hashable, Decodable {
        /// The intercept.
        public var intercept: Double
        /// One weight per feature of the field, in the field's feature order.
        public var weights: [Double]
    }

    /// One field's features and codes.
    public struct FieldModel: Sendable, Hashable, Decodable {
        /// Each feature: one stem index (a word) or two (consecutive words), into ``SecondOpinion/stems``.
        public var features: [[Int]]
        /// The inverse document frequency of each feature.
        public var idf: [Double]
        /// The codes modelled, by code name.
        public var codes: [String: CodeModel]
    }

    /// The file format: 1.
    public var format: Int
    /// How many texts the model was trained on.
    public var texts: Int
    /// The stems, for people reading an item (``ReviewItem/Candidate/matched`` names them).
    public var stems: [String]
    /// Every lower-cased word (apostrophes removed) of the training texts whose stem a feature uses, with that stem's index.
    public var forms: [String: Int]
    /// The models, by field name.
    public var fields: [String: FieldModel]

    /// Reads a model file.
    ///
    /// - Parameter path: The JSON file written by `second_opinion.py`.
    /// - Throws: `SurveyDefinitionError` naming the file when it cannot be read or decoded.
    public init(contentsOfFile path: String) throws(SurveyDefinitionError) {
        do {
            self = try JSONDecoder().decode(SecondOpinion.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SurveyDefinitionError(file: path, message: "cannot be read as a second-opinion model: \(error)")
        }
    }
}

/// A ``SecondOpinion`` compiled against a codebook's fields: features and weights as flat arrays.
/// The model's forms go into the codebook's ``Lexicon`` (``forms(of:)``), so a text's tokens
/// arrive with their stems (``Token/form``) and scoring a text looks no word up.
final class CompiledSecondOpinion: Sendable {
    /// One field's model (a class, so a text borrows it without retaining each array).
    final class FieldModel: Sendable {
        /// Per stem, its single-word feature, or -1.
        let single: [Int32]
        /// Pairs of stems (`first << 16 | second`) and their feature.
        let pairs: HashedTable
        /// Per stem, whether some pair starts with it (most words start none: no probe for them).
        let pairStarts: [Bool]
        let idf: [Double]
        /// The field's label of each modelled code.
        let labels: [Int32]
        let intercepts: [Double]
        /// `weights[feature * labels.count + k]`: code `k`'s weight of `feature` (single precision:
        /// the file rounds weights to three decimals, and half the bytes keep more rows in cache).
        let weights: [Float]
        /// Each feature as stems, for the candidates' `matched`.
        let names: [String]

        init(
            single: [Int32],
            pairs: HashedTable,
            pairStarts: [Bool],
            idf: [Double],
            labels: [Int32],
            intercepts: [Double],
            weights: [Float],
            names: [String]
        ) {
            self.single = single
            self.pairs = pairs
            self.pairStarts = pairStarts
            self.idf = idf
            self.labels = labels
            self.intercepts = intercepts
            self.weights = weights
            self.names = names
        }
    }

    /// A code the model reads otherwise than the rules did.
    struct Disagreement {
        var label: Int32
        /// Whether the rules coded it (then the model finds it unlikely; otherwise likely).
        var coded: Bool
        var probability: Double
        /// The features that pushed the model hardest towards its reading, strongest first.
        var because: String
    }

    /// Per field of the compiled codebook, its model, or `nil` when the model has none.
    let fields: [FieldModel?]
    let margin: Double
    /// The log-odds of `0.5 - margin` and `0.5 + margin`.
    private let lowLogOdds: Double
    private let highLogOdds: Double
    /// `1 + ln count` for the counts a word or pair usually has in one text.
    private static let termWeights: [Double] = (0..<32).map { $0 == 0 ? 0 : 1 + log(Double($0)) }

    /// - Parameters:
    ///   - model: The decoded model.
    ///   - margin: How far from 0.5 a probability must be to disagree (`review.second_opinion_margin`).
    ///   - fields: The compiled fields; every modelled field and code must be one of them.
    /// - Throws: a message naming the unknown field or code, or the inconsistent sizes. (The forms
    ///   are checked by ``forms(of:)``, which the compiler calls to build the lexicon.)
    init(_ model: SecondOpinion, margin: Double, fields: [FieldProgram]) throws(CodebookProblem) {
        guard model.format == 1 else { throw CodebookProblem("review.second_opinion: format \(model.format) is not 1") }
        guard (0..<0.5).contains(margin) else { throw CodebookProblem("review.second_opinion_margin must be at least 0 and below 0.5") }
        guard model.stems.count < 1 << 16 else {
            throw CodebookProblem("review.second_opinion: \(model.stems.count) stems; at most 65535 are supported")
        }
        var compiled = [FieldModel?](repeating: nil, count: fields.count)
        for (name, field) in model.fields.sorted(by: { $0.key < $1.key }) {
            guard let index = fields.firstIndex(where: { $0.name == name }) else {
                throw CodebookProblem("review.second_opinion: the model has a field '\(name)' the codebook does not code")
            }
            let program = fields[index]
            let count = field.features.count
            guard field.idf.count == count else {
                throw CodebookProblem("review.second_opinion: field \(name) has \(count) features and \(field.idf.count) idf values")
            }
            var single = [Int32](repeating: -1, count: model.stems.count)
            var pairs: [(key: UInt32, value: Int32)] = []
            var pairStarts = [Bool](repeating: false, count: model.stems.count)
            var names: [String] = []
            for (k, stems) in field.features.enumerated() {
                guard (1...2).contains(stems.count), stems.allSatisfy(model.stems.indices.contains) else {
                    throw CodebookProblem("review.second_opinion: field \(name) feature \(k) is not one or two known stems")
                }
                if stems.count == 1 {
                    single[stems[0]] = Int32(k)
                } else {
                    pairs.append((UInt32(stems[0]) << 16 | UInt32(stems[1]), Int32(k)))
                    pairStarts[stems[0]] = true
                }
                names.append(stems.map { model.stems[$0] }.joined(separator: " "))
            }
            let codes = field.codes.sorted { $0.key < $1.key }
            var labels: [Int32] = []
            for (code, regression) in codes {
                guard let label = program.labelNames.firstIndex(of: code), program.labelReported[label] else {
                    throw CodebookProblem("review.second_opinion: field \(name) has no reported code '\(code)'")
                }
                guard regression.weights.count == count else {
                    throw CodebookProblem("review.second_opinion: \(name).\(code) has \(regression.weights.count) weights for \(count) features")
                }
                labels.append(Int32(label))
            }
            var weights = [Float](repeating: 0, count: count * codes.count)
            for (k, (_, regression)) in codes.enumerated() {
                for (feature, weight) in regression.weights.enumerated() { weights[feature * codes.count + k] = Float(weight) }
            }
            compiled[index] = FieldModel(
                single: single,
                pairs: HashedTable(pairs),
                pairStarts: pairStarts,
                idf: field.idf,
                labels: labels,
                intercepts: codes.map(\.value.intercept),
                weights: weights,
                names: names
            )
        }
        self.fields = compiled
        self.margin = margin
        self.lowLogOdds = log((0.5 - margin) / (0.5 + margin))
        self.highLogOdds = -lowLogOdds
    }

    /// The codes of field `index` the model reads otherwise than the rules, who coded the labels
    /// `coded` says.
    ///
    /// - Parameters:
    ///   - index: The field's index in the compiled codebook.
    ///   - tokens: The text's tokens (``Lexicon/tokenize(_:into:memo:stemmer:)``), which carry their words' stems in the model
    ///     (``Token/form``): the codebook's lexicon must have been built with ``forms(of:)``.
    ///   - scratch: Buffers kept between calls (one per ``TextAnalysis``).
    ///   - coded: Whether the rules coded a label in this text.
    func disagreements(
        field index: Int,
        tokens: UnsafeBufferPointer<Token>,
        scratch: inout SecondOpinionScratch,
        coded: (Int32) -> Bool
    ) -> [Disagreement] {
        guard let model = fields[index] else { return [] }
        let width = model.labels.count
        scratch.prepare(features: model.idf.count, width: width)
        var seenCount = 0
        var length: Float = 0
        // Raw buffers: this runs for every text the rules are sure of, and array accesses in the
        // loops below would each be bounds-checked and retain the model's arrays.
        model.single.withUnsafeBufferPointer { single in
            model.pairStarts.withUnsafeBufferPointer { pairStarts in
                let counts = scratch.counts
                let seen = scratch.seen
                var previous: Int32 = -1
                for token in tokens where token.form != Token.expanded {
                    let stem = token.form
                    if stem >= 0 {
                        let feature = single[Int(stem)]
                        if feature >= 0 {
                            if counts[Int(feature)] == 0 {
                                seen[seenCount] = feature
                                seenCount += 1
                            }
                            counts[Int(feature)] += 1
                        }
                        if previous >= 0, pairStarts[Int(previous)] {
                            let pair = model.pairs.value(UInt32(previous) << 16 | UInt32(stem))
                            if pair >= 0 {
                                if counts[Int(pair)] == 0 {
                                    seen[seenCount] = pair
                                    seenCount += 1
                                }
                                counts[Int(pair)] += 1
                            }
                        }
                    }
                    previous = stem
                }
            }
        }
        // TF-IDF with a sublinear term weight, then the L2 norm; the counts go back to zero.
        model.idf.withUnsafeBufferPointer { idf in
            for n in 0..<seenCount {
                let feature = Int(scratch.seen[n])
                let count = Int(scratch.counts[feature])
                let term = count < Self.termWeights.count ? Self.termWeights[count] : 1 + log(Double(count))
                let value = Float(term * idf[feature])
                scratch.counts[feature] = 0
                scratch.values[n] = value
                length += value * value
            }
        }
        let scale: Float = length > 0 ? 1 / length.squareRoot() : 1
        // Feature-major: each feature's weights for the field's codes are adjacent.
        let z = scratch.logOdds
        for k in 0..<width { z[k] = 0 }
        model.weights.withUnsafeBufferPointer { weights in
            for n in 0..<seenCount {
                let row = weights.baseAddress! + Int(scratch.seen[n]) * width
                let value = scratch.values[n] * scale
                for k in 0..<width { z[k] += row[k] * value }
            }
        }
        scratch.seenCount = seenCount
        var found: [Disagreement] = []
        for k in 0..<width {
            // Compared as log-odds: the probability is only computed for a disagreement.
            let logOdds = model.intercepts[k] + Double(z[k])
            let label = model.labels[k]
            let isCoded = coded(label)
            guard isCoded ? logOdds < lowLogOdds : logOdds > highLogOdds else { continue }
            found.append(
                Disagreement(
                    label: label,
                    coded: isCoded,
                    probability: 1 / (1 + exp(-logOdds)),
                    because: because(model, k, isCoded, scratch)
                )
            )
        }
        return found
    }

    /// The model's forms (lower-cased words as the training texts wrote them) with their stems,
    /// for ``LexiconBuilder/build(tolerance:sameFirstLetter:stemmer:forms:)``.
    ///
    /// - Parameter model: The decoded model.
    /// - Throws: a message naming a form whose stem is not one of the model's stems.
    static func forms(of model: SecondOpinion) throws(CodebookProblem) -> [(word: [UInt8], form: Int32)] {
        var forms: [(word: [UInt8], form: Int32)] = []
        for (form, stem) in model.forms.sorted(by: { $0.key < $1.key }) {
            guard model.stems.indices.contains(stem) else {
                throw CodebookProblem("review.second_opinion: the form '\(form)' has stem \(stem), beyond the \(model.stems.count) stems")
            }
            forms.append((Array(form.utf8), Int32(stem)))
        }
        return forms
    }

    /// The (up to three) features that pull code `k` hardest towards the model's reading: down for a
    /// coded code, up otherwise.
    private func because(_ model: FieldModel, _ k: Int, _ isCoded: Bool, _ scratch: borrowing SecondOpinionScratch) -> String {
        let width = model.labels.count
        let pulls = (0..<scratch.seenCount).map { n in
            (n, model.weights[Int(scratch.seen[n]) * width + k] * scratch.values[n] * (isCoded ? -1 : 1))
        }
        return pulls.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(3).map { model.names[Int(scratch.seen[$0.0])] }.joined(separator: ", ")
    }
}

/// Buffers the second opinion reuses from text to text: per feature a word count (zero between
/// calls), and the features a text has with their values.
struct SecondOpinionScratch: ~Copyable {
    /// Per feature, its word count in the text being scored (zero between texts).
    private(set) var counts = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// The features the text has, in order of first appearance (the first ``seenCount``).
    private(set) var seen = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// Their TF-IDF values, not yet scaled to unit length (``because`` only ranks them).
    private(set) var values = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// Per code of the field, the model's log-odds less its intercept.
    private(set) var logOdds = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// How many features the last text scored had.
    var seenCount = 0
    private var features = 0
    private var width = 0

    init() {}

    deinit {
        counts.deallocate()
        seen.deallocate()
        values.deallocate()
        logOdds.deallocate()
    }

    /// Makes room for a field of `features` features and `width` codes; counts stay zero.
    mutating func prepare(features: Int, width: Int) {
        if features > self.features {
            counts.deallocate()
            seen.deallocate()
            values.deallocate()
            counts = .allocate(capacity: features)
            counts.initialize(repeating: 0, count: features)
            // A feature is seen at most once per text.
            seen = .allocate(capacity: features)
            values = .allocate(capacity: features)
            self.features = features
        }
        if width > self.width {
            logOdds.deallocate()
            logOdds = .allocate(capacity: width)
            self.width = width
        }
        seenCount = 0
    }
}

/// 32-bit keys and their `Int32` values in an open-addressing table with linear probing, at most
/// half full, probed from the key's multiplicative hash. A slot is one 64-bit word (`key << 32 |
/// value`), so a probe reads one place; `UInt64.max` marks an empty slot (`UInt32.max` is no key).
struct HashedTable: Sendable {
    private let slots: [UInt64]
    private let shift: UInt32

    /// - Parameter entries: Keys below `UInt32.max` and their values; of two entries with one key the first is kept.
    init(_ entries: [(key: UInt32, value: Int32)]) {
        var bits: UInt32 = 4
        while 1 << bits < 2 * max(entries.count, 1) { bits += 1 }
        var slots = [UInt64](repeating: .max, count: 1 << bits)
        let mask = (1 << Int(bits)) - 1
        for (key, value) in entries {
            var slot = Int((key &* 0x9E37_79B1) >> (32 - bits))
            while slots[slot] != .max, slots[slot] >> 32 != UInt64(key) { slot = (slot + 1) & mask }
            if slots[slot] == .max { slots[slot] = UInt64(key) << 32 | UInt64(UInt32(bitPattern: value)) }
        }
        self.slots = slots
        self.shift = 32 - bits
    }

    /// The value of `key`, or -1.
    @inline(__always)
    func value(_ key: UInt32) -> Int32 {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int((key &* 0x9E37_79B1) >> shift)
            while true {
                let found = slots[slot]
                if found == .max { return -1 }
                if found >> 32 == UInt64(key) { return Int32(bitPattern: UInt32(truncatingIfNeeded: found)) }
                slot = (slot + 1) & mask
            }
        }
    }
}
