/// A codebook measured against human codes (`tally codebook check`): per-field precision,
/// recall and kappa, every disagreement with its text and evidence, the stated numbers, and how
/// well the review queue catches the disagreements.
public struct CodebookCheck: Sendable {
    /// One code on which coder and human disagree for one respondent.
    public struct Disagreement: Sendable, Hashable {
        /// `missed`: the human coded it, the coder did not; `wrong`: the other way round.
        public enum Kind: String, Sendable { case missed, wrong }
        public var respondentID: String
        public var field: String
        public var code: String
        public var kind: Kind
        /// The field's answered texts: source path (`answers.…`) and text.
        public var texts: [(source: String, text: String)]
        /// The coder's evidence for the field (what fired, where).
        public var evidence: [Evidence]
        /// Whether a review item was raised for a text of the field.
        public var reviewed: Bool

        /// Two disagreements are equal when they are about the same respondent, field, code and kind;
        /// the texts, evidence and review flag are not compared.
        /// - Parameters:
        ///   - a: A disagreement.
        ///   - b: Another disagreement.
        /// - Returns: Whether both name the same respondent, field, code and kind.
        public static func == (a: Self, b: Self) -> Bool {
            a.respondentID == b.respondentID && a.field == b.field && a.code == b.code && a.kind == b.kind
        }

        /// Hashes the respondent, field and code only, consistent with `==` (which also compares `kind`).
        /// - Parameter hasher: The hasher to feed.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(respondentID)
            hasher.combine(field)
            hasher.combine(code)
        }
    }

    /// Agreement per field, in codebook order.
    public var fields: [FieldAgreement]
    /// Disagreements, by respondent then field.
    public var disagreements: [Disagreement]
    /// Number rules: respondents whose gold states a number, and how many the coder read exactly.
    public var numbers: [(name: String, stated: Int, exact: Int, misread: [String])]
    /// Answered source texts, and those that went to review.
    public var answeredTexts = 0, reviewedTexts = 0
    /// (text, field, code) pairs where coder and human disagree, and those whose text went to review.
    public var disagreeingPairs = 0, caughtPairs = 0
    /// The disagreeing (text, code) pairs: respondent, field, source path, code, whether the coder
    /// `missed` it or coded it `wrong`ly in that text, and whether the text went to review.
    public var textDisagreements:
        [(
            respondentID: String, field: String, source: String, code: String, kind: Disagreement.Kind,
            reviewed: Bool
        )] = []

    /// Per rule that fired, in rule-id order: the texts it fired in, those whose gold holds its code,
    /// and the lowest confidence it was coded with. A rule whose texts gold often disagrees with is
    /// one whose `confidence` should be below `review.min_confidence`, so that its texts go to review.
    public var rules: [(rule: String, code: String, confidence: Double, fired: Int, agreed: Int)] = []

    /// Codes every gold respondent with `coder` and compares.
    ///
    /// - Parameters:
    ///   - coder: the compiled codebook.
    ///   - gold: the human codes and the answers they code.
    public init(coder: Coder, gold: CodingGold) {
        let book = coder.codebook
        var agreements = book.fields.map { FieldAgreement(field: $0.name) }
        var disagreements: [Disagreement] = []
        var ruleCounts: [String: (code: String, confidence: Double, fired: Int, agreed: Int)] = [:]
        var numbers = book.fields.flatMap { $0.numbers.map(\.name) }.map { (name: $0, stated: 0, exact: 0, misread: [String]()) }
        for respondent in gold.respondents {
            let result = coder.code(answers: respondent.answers)
            let reviewed = Set(result.review.map { "\($0.field)|\($0.source)" })
            for (index, field) in book.fields.enumerated() where respondent.answeredFields.contains(field.name) {
                let goldCodes = respondent.codes[field.name] ?? []
                let coded = Set(result.fields[field.name]?.codes ?? [])
                let texts = Self.texts(of: field, in: respondent)
                let fieldReviewed = texts.contains { reviewed.contains("\(field.name)|\($0.source)") }
                for code in field.codes where code.report {
                    let g = goldCodes.contains(code.code)
                    let c = coded.contains(code.code)
                    agreements[index].add(gold: g, coded: c)
                    if g != c {
                        disagreements.append(
                            Disagreement(
                                respondentID: respondent.respondentID,
                                field: field.name,
                                code: code.code,
                                kind: g ? .missed : .wrong,
                                texts: texts,
                                evidence: result.fields[field.name]?.evidence ?? [],
                                reviewed: fieldReviewed
                            )
                        )
                    }
                }
                // Text level: the coder's codes of one text are the codes its evidence names.
                for (path, fields) in respondent.sources {
                    guard let goldText = fields[field.name] else { continue }
                    let source = "answers." + path
                    answeredTexts += 1
                    let textReviewed = reviewed.contains("\(field.name)|\(source)")
                    if textReviewed { reviewedTexts += 1 }
                    let textEvidence = (result.fields[field.name]?.evidence ?? []).filter { $0.source == source }
                    let codedText = Set(textEvidence.map(\.code))
                    for evidence in textEvidence {
                        var count = ruleCounts[evidence.rule] ?? (evidence.code, 1, 0, 0)
                        count.confidence = min(count.confidence, evidence.confidence)
                        count.fired += 1
                        if goldText.contains(evidence.code) { count.agreed += 1 }
                        ruleCounts[evidence.rule] = count
                    }
                    for code in goldText.symmetricDifference(codedText).sorted() {
                        disagreeingPairs += 1
                        if textReviewed { caughtPairs += 1 }
                        textDisagreements.append(
                            (
                                respondent.respondentID, field.name, source, code,
                                goldText.contains(code) ? .missed : .wrong, textReviewed
                            )
                        )
                    }
                }
            }
            for k in numbers.indices {
                let value = result.numbers[numbers[k].name]?.value
                let stated = respondent.numbers[numbers[k].name]
                if stated != nil { numbers[k].stated += 1 }
                if value == stated {
                    if stated != nil { numbers[k].exact += 1 }
                } else {
                    numbers[k].misread.append(
                        "\(respondent.respondentID): coded \(value.map { "\($0)" } ?? "none"), "
                            + "gold \(stated.map { "\($0)" } ?? "none")"
                    )
                }
            }
        }
        self.fields = agreements
        self.rules = ruleCounts.keys.sorted().map { rule in
            let count = ruleCounts[rule]!
            return (rule, count.code, count.confidence, count.fired, count.agreed)
        }
        self.disagreements = disagreements
        self.numbers = numbers
    }

    /// The answered texts of `field` for a respondent: each source the gold codes for the field.
    private static func texts(of field: Codebook.Field, in respondent: CodingGold.Respondent) -> [(source: String, text: String)] {
        respondent.sources.filter { $0.value[field.name] != nil }.keys.sorted().compactMap { path in
            respondent.answers.value(atPath: path).flatMap(\.stringValue).map { (source: "answers." + path, text: $0) }
        }
    }

    /// Share of answered texts that went to review (0 when none were answered).
    public var reviewShare: Double { answeredTexts == 0 ? 0 : Double(reviewedTexts) / Double(answeredTexts) }
    /// Share of disagreeing (text, code) pairs whose text went to review (1 when there are none).
    public var catchRate: Double { disagreeingPairs == 0 ? 1 : Double(caughtPairs) / Double(disagreeingPairs) }
}
