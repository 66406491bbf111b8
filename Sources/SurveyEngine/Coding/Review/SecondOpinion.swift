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

/// A ``SecondOpinion`` compiled against a codebook's fields: word lookups through a ``Lexicon`` of
/// the model's forms, features and weights as flat arrays.
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

    /// The stem of each form, by the top 32 bits of the form's ``TextScanner/hash(_:)``: a text's
    /// tokens carry the hash of their word, so finding a word's stem is one probe. A word whose
    /// hash shares those bits with a form's takes its stem; the model only chooses texts to review,
    /// and with two thousand forms that chance is about one in two million per word.
    let forms: HashedTable
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
    /// - Throws: a message naming the unknown field or code, or the inconsistent sizes.
    init(_ model: SecondOpinion, margin: Double, fields: [FieldProgram]) throws(CodebookProblem) {
        guard model.format == 1 else { throw CodebookProblem("review.second_opinion: format \(model.format) is not 1") }
        guard (0..<0.5).contains(margin) else { throw CodebookProblem("review.second_opinion_margin must be at least 0 and below 0.5") }
        guard model.stems.count < 1 << 16 else {
            throw CodebookProblem("review.second_opinion: \(model.stems.count) stems; at most 65535 are supported")
        }
        var forms: [(key: UInt32, value: Int32)] = []
        for (form, stem) in model.forms.sorted(by: { $0.key < $1.key }) {
            guard model.stems.indices.contains(stem) else {
                throw CodebookProblem("review.second_opinion: the form '\(form)' has stem \(stem), beyond the \(model.stems.count) stems")
            }
            forms.append((Self.formKey(Lexicon.hash(Array(form.utf8))), Int32(stem)))
        }
        self.forms = HashedTable(forms)
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
    ///   - tokens: The text's tokens (``Lexicon/tokenize(_:into:memo:stemmer:)``), which carry their words' hashes.
    ///   - scratch: Buffers kept between calls (one per ``TextAnalysis``).
    ///   - coded: Whether the rules coded a label in this text.
    func disagreements(
        field index: Int,
        tokens: UnsafeBufferPointer<Token>,
        scratch: inout SecondOpinionScratch,
        coded: (Int32) -> Bool
    ) -> [Disagreement] {
        guard let model = fields[index] else { return [] }
        if scratch.counts.count < model.idf.count { scratch.counts = [Int32](repeating: 0, count: model.idf.count) }
        scratch.seen.removeAll(keepingCapacity: true)
        scratch.counts.withUnsafeMutableBufferPointer { counts in
            model.single.withUnsafeBufferPointer { single in
                var previous: Int32 = -1
                /// Counts a feature, remembering it the first time.
                func count(_ feature: Int32) {
                    if counts[Int(feature)] == 0 { scratch.seen.append(feature) }
                    counts[Int(feature)] += 1
                }
                for token in tokens where token.hash != 0 {
                    let stem = forms.value(Self.formKey(token.hash))
                    if stem >= 0 {
                        let feature = single[Int(stem)]
                        if feature >= 0 { count(feature) }
                        if previous >= 0, model.pairStarts[Int(previous)] {
                            let pair = model.pairs.value(UInt32(previous) << 16 | UInt32(stem))
                            if pair >= 0 { count(pair) }
                        }
                    }
                    previous = stem
                }
            }
        }
        scratch.values.removeAll(keepingCapacity: true)
        var length = 0.0
        for feature in scratch.seen {
            let count = Int(scratch.counts[Int(feature)])
            let value = (count < Self.termWeights.count ? Self.termWeights[count] : 1 + log(Double(count))) * model.idf[Int(feature)]
            scratch.counts[Int(feature)] = 0
            scratch.values.append(value)
            length += value * value
        }
        length = length > 0 ? length.squareRoot() : 1
        let width = model.labels.count
        var found: [Disagreement] = []
        for k in 0..<width {
            var dot = 0.0
            for (n, feature) in scratch.seen.enumerated() { dot += Double(model.weights[Int(feature) * width + k]) * scratch.values[n] }
            // Compared as log-odds: the probability is only computed for a disagreement.
            let z = model.intercepts[k] + dot / length
            let label = model.labels[k]
            let isCoded = coded(label)
            guard isCoded ? z < lowLogOdds : z > highLogOdds else { continue }
            found.append(Disagreement(label: label, coded: isCoded, probability: 1 / (1 + exp(-z)), because: because(model, k, isCoded, scratch)))
        }
        return found
    }

    /// A word's key in ``forms``: the top 32 bits of its hash (`UInt32.max`, the table's empty mark, becomes `UInt32.max - 1`).
    @inline(__always)
    private static func formKey(_ hash: UInt64) -> UInt32 {
        min(UInt32(truncatingIfNeeded: hash >> 32), UInt32.max - 1)
    }

    /// The (up to three) features that pull code `k` hardest towards the model's reading: down for a
    /// coded code, up otherwise.
    private func because(_ model: FieldModel, _ k: Int, _ isCoded: Bool, _ scratch: SecondOpinionScratch) -> String {
        let width = model.labels.count
        let pulls = scratch.seen.indices.map { n in
            (n, Double(model.weights[Int(scratch.seen[n]) * width + k]) * scratch.values[n] * (isCoded ? -1 : 1))
        }
        return pulls.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(3).map { model.names[Int(scratch.seen[$0.0])] }.joined(separator: ", ")
    }
}

/// Buffers the second opinion reuses from text to text: per feature a word count (zero between
/// calls), and the features a text has with their values.
struct SecondOpinionScratch {
    var counts: [Int32] = []
    var seen: [Int32] = []
    var values: [Double] = []
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
