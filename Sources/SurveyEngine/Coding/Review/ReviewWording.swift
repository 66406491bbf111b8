/// The words of every review candidate's `why` one coded field can raise, and each found code's
/// confidence, worded and computed once when the codebook is compiled.
///
/// A candidate's `why` depends only on its rule and weak signals (a low-confidence code), its rule
/// (a suggested code) or its cue (a cancelled code), so a review item shares these strings instead
/// of formatting numbers and joining words for every text it raises.
struct ReviewWording: Sendable {
    /// Weak-signal sets a finding can carry: every combination of ``Finding/misspelled``,
    /// ``Finding/scoped`` and ``Finding/confused`` (a finding's `weak` is below this).
    private static let signalSets = Int(Finding.misspelled | Finding.scoped | Finding.confused) + 1

    /// By `rule * signalSets + weak`: the confidence of a code found by the rule with those weak signals.
    private let confidences: [Double]
    /// By `rule * signalSets + weak`: "confidence 0.5 is below 0.8 (matched through a misspelling)".
    private let belowThreshold: [String]
    /// By rule: "wsm.sos.maybe only suggests the code".
    private let suggestions: [String]
    /// By cue: "cancelled by neg.previously (past)".
    private let cancellations: [String]

    /// Words every candidate `field` can raise and computes its codes' confidences.
    /// - Parameters:
    ///   - field: The compiled field.
    ///   - book: The compiled codebook: its `review.min_confidence` and weak-signal confidences.
    init(field: FieldProgram, book: CompiledCodebook) {
        var confidences: [Double] = []
        var belowThreshold: [String] = []
        confidences.reserveCapacity(field.ruleIDs.count * Self.signalSets)
        belowThreshold.reserveCapacity(field.ruleIDs.count * Self.signalSets)
        for rule in field.ruleIDs.indices {
            for weak in 0..<UInt8(Self.signalSets) {
                var confidence = field.ruleConfidence[rule]
                if weak & Finding.misspelled != 0 { confidence = min(confidence, book.misspellingConfidence) }
                if weak & Finding.scoped != 0 { confidence = min(confidence, book.scopedSentenceConfidence) }
                if weak & Finding.confused != 0 { confidence = min(confidence, book.confusedConfidence) }
                confidences.append(confidence)
                belowThreshold.append("confidence \(confidence) is below \(book.minConfidence)" + Self.weakness(weak))
            }
        }
        self.confidences = confidences
        self.belowThreshold = belowThreshold
        self.suggestions = zip(field.ruleIDs, field.ruleYields).map { id, yields in
            yields.isEmpty
                ? "\(id) only suggests the code"
                : "\(id) yields to " + yields.map { field.labelNames[Int($0)] }.joined(separator: " or ") + " in the same sentence"
        }
        self.cancellations = field.cues.map { "cancelled by \($0.id) (\($0.kind.rawValue))" }
    }

    /// A found code's confidence: its rule's, capped by the codebook's confidence for each weak
    /// signal it rests on (a misspelling, a cue in its sentence, a code it is confused with there).
    @inline(__always)
    func confidence(_ finding: Finding) -> Double {
        confidences[Self.slot(finding)]
    }

    /// Why a code found below `review.min_confidence` is in doubt: its confidence, the threshold and its weak signals.
    func belowThreshold(_ finding: Finding) -> String {
        belowThreshold[Self.slot(finding)]
    }

    /// Where a finding's rule and weak signals sit in ``confidences`` and ``belowThreshold``.
    @inline(__always)
    private static func slot(_ finding: Finding) -> Int {
        assert(Int(finding.weak) < signalSets, "a weak signal the wording table does not know")
        return Int(finding.rule) * signalSets + Int(finding.weak)
    }

    /// Why a suggested code is in doubt: a `review_only` rule, or a rule that yields to a code found beside it.
    func suggestion(_ finding: Finding) -> String { suggestions[Int(finding.rule)] }

    /// Why a cancelled code is in doubt: the cue that cancelled it, or plain "cancelled" without one.
    func cancellation(_ finding: Finding) -> String { finding.cue >= 0 ? cancellations[Int(finding.cue)] : "cancelled" }

    /// Why the second opinion doubts a code: "second opinion 0.23 for a coded code (below 0.40)".
    /// - Parameters:
    ///   - probability: The model's probability of the code.
    ///   - coded: Whether the rules coded it.
    ///   - margin: `review.second_opinion_margin`.
    static func secondOpinion(_ probability: Double, coded: Bool, margin: Double) -> String {
        func figure(_ value: Double) -> String {
            let hundredths = Int((value * 100).rounded())
            return "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
        }
        return coded
            ? "second opinion \(figure(probability)) for a coded code (below \(figure(0.5 - margin)))"
            : "second opinion \(figure(probability)) for a code not found (above \(figure(0.5 + margin)))"
    }

    /// The weak signals of a finding in words.
    private static func weakness(_ weak: UInt8) -> String {
        var signals: [String] = []
        if weak & Finding.misspelled != 0 { signals.append("matched through a misspelling") }
        if weak & Finding.scoped != 0 { signals.append("a cue in the same sentence") }
        if weak & Finding.confused != 0 { signals.append("a code it is confused with in the same sentence") }
        return signals.isEmpty ? "" : " (" + signals.joined(separator: ", ") + ")"
    }
}
