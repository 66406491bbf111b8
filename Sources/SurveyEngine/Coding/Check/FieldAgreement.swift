/// How a coder's codes for one field agree with the human codes: pooled binary decisions over
/// every (answered respondent × reported code).
public struct FieldAgreement: Sendable, Hashable {
    /// The coded field.
    public var field: String
    /// Decisions where both coded the code, only the coder did, only the human did, neither did.
    public var truePositive = 0, falsePositive = 0, falseNegative = 0, trueNegative = 0

    /// An empty tally for `field`.
    /// - Parameter field: The coded field's name; all four decision counts start at zero.
    public init(field: String) { self.field = field }

    /// Counts one decision.
    /// - Parameters:
    ///   - gold: whether the human coded the code.
    ///   - coded: whether the coder did.
    public mutating func add(gold: Bool, coded: Bool) {
        switch (gold, coded) {
        case (true, true): truePositive += 1
        case (false, true): falsePositive += 1
        case (true, false): falseNegative += 1
        case (false, false): trueNegative += 1
        }
    }

    /// Number of decisions.
    public var total: Int { truePositive + falsePositive + falseNegative + trueNegative }
    /// Share of the coder's codes the human agrees with (1 when the coder coded nothing).
    public var precision: Double { truePositive + falsePositive == 0 ? 1 : Double(truePositive) / Double(truePositive + falsePositive) }
    /// Share of the human's codes the coder found (1 when the human coded nothing).
    public var recall: Double { truePositive + falseNegative == 0 ? 1 : Double(truePositive) / Double(truePositive + falseNegative) }
    /// Cohen's kappa over the pooled decisions.
    public var kappa: Double {
        let n = Double(total)
        guard n > 0 else { return 1 }
        let observed = Double(truePositive + trueNegative) / n
        let goldYes = Double(truePositive + falseNegative) / n
        let codedYes = Double(truePositive + falsePositive) / n
        let expected = goldYes * codedYes + (1 - goldYes) * (1 - codedYes)
        return expected >= 1 ? (observed >= 1 ? 1 : 0) : (observed - expected) / (1 - expected)
    }
}
