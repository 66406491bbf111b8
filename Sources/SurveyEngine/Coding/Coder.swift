/// Codes free-text answers with a compiled ``Codebook``.
///
/// Compile once (``init(codebook:)``), then call ``code(answers:)`` for every submission from
/// any number of tasks: a `Coder` is immutable and `Sendable`. Coding is deterministic and
/// works on UTF-8 bytes and word ids (no regular expressions, no Foundation text APIs); its cost
/// grows linearly with the text.
public final class Coder: Sendable {
    /// The codebook this coder was compiled from.
    public let codebook: Codebook
    private let program: CompiledCodebook
    private let sources: SourceTree
    private let pool = AnalysisPool()
    /// Per field, the confidences of its found codes and the words of its review candidates.
    private let wordings: [ReviewWording]
    /// Every field unanswered, and where each field sits in it: a result starts as a copy of this
    /// dictionary (a copy keeps the indices valid) and only answered fields are written, by index,
    /// so building one hashes no field name.
    private let unanswered: [String: CodedField]
    private let fieldSlots: [Dictionary<String, CodedField>.Index]

    /// The codebook version recorded in every result.
    public var version: String { program.version }

    /// The coded field names, in codebook order.
    public var fieldNames: [String] { program.fields.map(\.name) }

    /// Compiles a codebook.
    ///
    /// Validation and compilation are the same step, so a codebook that compiles here has passed
    /// every check of ``Codebook/validate()``; the compiled program is built once and shared by all
    /// later calls.
    /// - Parameter codebook: The codebook to compile; kept as ``codebook``.
    /// - Throws: `SurveyDefinitionError` when the codebook is invalid (see ``Codebook/validate()``).
    public init(codebook: Codebook) throws(SurveyDefinitionError) {
        self.codebook = codebook
        let program = try CodebookCompiler(codebook: codebook).compile()
        self.program = program
        self.sources = SourceTree(paths: program.fields.map(\.sources))
        self.wordings = program.fields.map { ReviewWording(field: $0, book: program) }
        var unanswered: [String: CodedField] = Dictionary(minimumCapacity: program.fields.count)
        for field in program.fields { unanswered[field.name] = CodedField(answered: false, codes: [], evidence: []) }
        self.fieldSlots = program.fields.map { unanswered.index(forKey: $0.name)! }
        self.unanswered = unanswered
    }

    /// Decodes, validates and compiles a YAML codebook.
    /// - Parameters:
    ///   - yaml: The codebook document in the layout of `Schemas/CODEBOOK.md`.
    ///   - source: The file name errors name. Default: `codebook.yaml`.
    /// - Throws: `SurveyDefinitionError` naming `source` (see ``Codebook/init(yaml:source:)``).
    public convenience init(yaml: String, source: String = "codebook.yaml") throws(SurveyDefinitionError) {
        try self.init(codebook: try Codebook(yaml: yaml, source: source))
    }

    /// Codes every field of one submission's `answers` object.
    ///
    /// Source paths are written from the submission root (`answers.…`); their first step is
    /// resolved against `answers`. Every declared field is present in the result: `answered`
    /// when any of its source texts is non-blank; `codes` is the union over its source texts,
    /// sorted by name; `evidence` holds, per source text, the first match of each rule that
    /// fired (source order, then text order).
    /// A number is taken from the first source text (in codebook order) that states one.
    ///
    /// A field whose texts are all blank stays unanswered, with no codes and no evidence. Review items
    /// are judged per text: every answered text without a code goes to review, as `no_code` when
    /// the whole field got no code and as `uncoded_text` when another text of the field was coded.
    /// - Parameter answers: The submission's `answers` value; paths that do not resolve, or that end at
    ///   a value that is not a string, contribute no text.
    /// - Returns: A result with the codebook version, every declared field, the numbers found and the
    ///   review items, in field order.
    public func code(answers: JSONValue) -> CodingResult {
        pool.withWorkspace { workspace in
            code(answers, &workspace.analysis, &workspace.texts, &workspace.present, &workspace.pieces)
        }
    }

    private func code(
        _ answers: JSONValue,
        _ analysis: inout TextAnalysis,
        _ texts: inout SourceTree.Texts,
        _ present: inout [Bool],
        _ pieces: inout ResultPieces
    ) -> CodingResult {
        sources.collect(answers, into: &texts)
        var fields = unanswered
        var numbers: [String: CodedNumber] = [:]
        var review: [ReviewItem] = []
        var next = 0
        for (index, field) in program.fields.enumerated() {
            let wording = wordings[index]
            var answered = false
            var evidence: [Evidence] = []
            var codeCount = 0
            // The set of codes found, for sharing the code list (fields from 256 and labels from 56
            // up do not fit the key: their lists are not shared).
            var mask: UInt64 = 0
            var shareable = index < 256 && field.labelNames.count <= 56
            present.removeAll(keepingCapacity: true)
            present.append(contentsOf: repeatElement(false, count: field.labelNames.count))
            let reviewStart = review.count
            // Review items of texts without a code or candidate that use none of the field's words:
            // settled, not reviewed, if another text codes the field and the codebook says so.
            var silent: [Int] = []
            while next < texts.found.count, texts.found[next].field == Int32(index) {
                let current = next
                next += 1
                if Self.isBlank(texts.found[current].text) { continue }
                answered = true
                Self.withUTF8(texts.found[current].text) { bytes in
                    analysis.run(field, on: bytes, in: program)
                    var path: String? = nil
                    func concretePath() -> String {
                        let item = texts.found[current]
                        let keys = texts.keys(of: item)
                        let source = field.sources[Int(item.source)]
                        if keys.count == 1 {
                            return pieces.path(field: item.field, source: item.source, member: keys[keys.startIndex]) {
                                source.concrete(keys)
                            }
                        }
                        return source.concrete(keys)
                    }
                    if !analysis.positives.isEmpty { evidence.reserveCapacity(evidence.count + analysis.positives.count) }
                    for finding in analysis.positives where field.labelReported[Int(finding.label)] {
                        if !present[Int(finding.label)] {
                            present[Int(finding.label)] = true
                            codeCount += 1
                            if finding.label < 56 { mask |= 1 << UInt64(finding.label) } else { shareable = false }
                        }
                        if path == nil { path = concretePath() }
                        evidence.append(self.evidence(finding, field, wording, path!, bytes, analysis))
                    }
                    for number in analysis.numbers {
                        let rule = field.numbers[Int(number.number)]
                        if numbers[rule.name] == nil {
                            numbers[rule.name] = self.number(number, rule, path ?? concretePath(), bytes, analysis)
                        }
                    }
                    if let item = reviewItem(
                        field,
                        wording,
                        bytes,
                        analysis,
                        text: texts.found[current].text,
                        source: { path ?? concretePath() }
                    ) {
                        if !program.uncodedTextWithoutVocabulary, item.reason == .noCode, item.candidates.isEmpty,
                            !analysis.usesVocabulary(field)
                        {
                            silent.append(review.count)
                        }
                        review.append(item)
                    } else if let item = secondOpinion(index, field, &analysis, text: texts.found[current].text, source: { path ?? concretePath() }) {
                        review.append(item)
                    }
                }
            }
            if codeCount > 0 && review.count > reviewStart {
                for k in silent.reversed() { review.remove(at: k) }
                Self.renameUncodedTexts(&review, from: reviewStart)
            }
            var codes: [String] = []
            if codeCount > 0 {
                func build() -> [String] {
                    var codes: [String] = []
                    codes.reserveCapacity(codeCount)
                    for label in field.reportOrder where present[Int(label)] { codes.append(field.labelNames[Int(label)]) }
                    return codes
                }
                codes = shareable ? pieces.codeList(field: index, mask: mask, build: build) : build()
            }
            if answered { fields.values[fieldSlots[index]] = CodedField(answered: answered, codes: codes, evidence: evidence) }
        }
        return CodingResult(codebookVersion: program.version, fields: fields, numbers: numbers, review: review)
    }

    /// A text of a coded field is not `no_code`: a text without a code of its own says why it is
    /// in doubt (a suggested or cancelled code), or is `uncoded_text` (another text was coded).
    private static func renameUncodedTexts(_ review: inout [ReviewItem], from start: Int) {
        for k in start..<review.count where review[k].reason == .noCode {
            if review[k].candidates.contains(where: { $0.status == "suggested" }) {
                review[k].reason = .lowConfidence
            } else if review[k].candidates.contains(where: { $0.status == "cancelled" }) {
                review[k].reason = .cancelled
            } else {
                review[k].reason = .uncodedText
            }
        }
    }

    /// The review item for one answered text, or `nil` when the coder is sure: every reported
    /// code it found has a rule at or above the codebook's `review.min_confidence`, and no
    /// reported code was cancelled without also being found.
    private func reviewItem(
        _ field: FieldProgram,
        _ wording: ReviewWording,
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ analysis: borrowing TextAnalysis,
        text original: String,
        source: () -> String
    ) -> ReviewItem? {
        let threshold = program.minConfidence
        var coded = false
        var doubtful = false
        for finding in analysis.positives where field.labelReported[Int(finding.label)] {
            coded = true
            if wording.confidence(finding) < threshold { doubtful = true }
        }
        let cancelled = analysis.negated.contains { field.labelReported[Int($0.label)] }
        let suggested = analysis.suggested.contains { field.labelReported[Int($0.label)] }
        if coded && !doubtful && (!cancelled || !program.cancelledBesideCode) && !suggested && analysis.uncodedClause == nil { return nil }
        if !coded && !cancelled && !suggested && analysis.statesNothingToCode(field) { return nil }
        /// The best confidence of the code `label` among the codes found, or `nil` when it was not found
        /// (a text has a few findings: scanning them costs less than a dictionary).
        func best(_ label: Int32) -> Double? {
            var top: Double? = nil
            for finding in analysis.positives where finding.label == label { top = max(top ?? 0, wording.confidence(finding)) }
            return top
        }
        func text(_ finding: Finding) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[analysis.byteSpan(finding.start, finding.end)]), as: UTF8.self)
        }
        var candidates: [ReviewItem.Candidate] = []
        /// Adds `finding`'s code as a candidate unless it already is one; true when it was added.
        func propose(_ finding: Finding, status: String, why: String) -> Bool {
            let code = field.labelNames[Int(finding.label)]
            guard !candidates.contains(where: { $0.code == code }) else { return false }
            candidates.append(
                ReviewItem.Candidate(
                    code: code,
                    rule: field.ruleIDs[Int(finding.rule)],
                    matched: text(finding),
                    status: status,
                    why: why,
                    confidence: wording.confidence(finding)
                )
            )
            return true
        }
        var low = false
        for finding in analysis.positives where field.labelReported[Int(finding.label)] {
            let confidence = wording.confidence(finding)
            guard let top = best(finding.label), top < threshold, confidence == top,
                propose(finding, status: "coded", why: wording.belowThreshold(finding))
            else { continue }
            low = true
        }
        for finding in analysis.suggested where field.labelReported[Int(finding.label)] && best(finding.label) == nil {
            guard propose(finding, status: "suggested", why: wording.suggestion(finding)) else { continue }
            low = true
        }
        var anyCancelled = false
        for finding in analysis.negated where field.labelReported[Int(finding.label)] && best(finding.label) == nil {
            anyCancelled = true
            _ = propose(finding, status: "cancelled", why: wording.cancellation(finding))
        }
        let reason: ReviewItem.Reason
        if !coded {
            reason = .noCode
        } else if low {
            reason = .lowConfidence
        } else if anyCancelled {
            reason = .cancelled
        } else if analysis.uncodedClause != nil {
            reason = .uncodedClause
        } else {
            return nil
        }
        return ReviewItem(field: field.name, source: source(), text: original, reason: reason, candidates: candidates)
    }

    /// The review item for a text the rules are sure of when the codebook's second opinion reads one
    /// of the field's codes clearly otherwise, else `nil`.
    private func secondOpinion(
        _ index: Int,
        _ field: FieldProgram,
        _ analysis: inout TextAnalysis,
        text original: String,
        source: () -> String
    ) -> ReviewItem? {
        guard let model = program.secondOpinion else { return nil }
        let positives = analysis.positives
        let disagreements = model.disagreements(field: index, tokens: UnsafeBufferPointer(analysis.tokens), scratch: &analysis.secondOpinion) {
            label in
            positives.contains { $0.label == label }
        }
        guard !disagreements.isEmpty else { return nil }
        let candidates = disagreements.map { disagreement in
            ReviewItem.Candidate(
                code: field.labelNames[Int(disagreement.label)],
                rule: "second_opinion",
                matched: disagreement.because,
                status: disagreement.coded ? "coded" : "suggested",
                why: ReviewWording.secondOpinion(disagreement.probability, coded: disagreement.coded, margin: model.margin),
                confidence: min(1, max(0.001, (disagreement.probability * 1000).rounded() / 1000))
            )
        }
        return ReviewItem(field: field.name, source: source(), text: original, reason: .secondOpinion, candidates: candidates)
    }

    /// Codes a submission's answers (see ``code(answers:)``).
    /// - Parameter submission: A validated submission; only its `answers` are read, so the envelope
    ///   (respondent, version, time) does not affect the codes.
    /// - Returns: The same result as `code(answers: submission.answers)`.
    public func code(submission: Submission) -> CodingResult { code(answers: submission.answers) }

    /// Codes one text as if it were the answer at `source` for `field`, also reporting negated
    /// mentions. Returns `nil` when the codebook declares no field called `field`.
    ///
    /// Unlike ``code(answers:)``, a text without a code gets its own `no_code` review item, since no
    /// other text of the field is there to code it. Evidence offsets are UTF-8 byte offsets into `text`.
    /// - Parameters:
    ///   - text: The answer text; a blank one (empty or only ASCII whitespace) gives an unanswered result
    ///     with nothing else set.
    ///   - field: The name of a declared coded field, compared exactly.
    ///   - source: The source path written into the evidence and the review item; it is not resolved
    ///     or checked against the field's sources.
    /// - Returns: The coded text, or `nil` for an unknown field.
    public func code(text: String, field: String, source: String) -> CodedText? {
        guard let index = program.fieldIndex(field) else { return nil }
        let program = program.fields[index]
        let wording = wordings[index]
        return pool.withWorkspace { workspace in code(text, field, source, program, wording, &workspace.analysis) }
    }

    private func code(
        _ text: String,
        _ field: String,
        _ source: String,
        _ program: FieldProgram,
        _ wording: ReviewWording,
        _ analysis: inout TextAnalysis
    ) -> CodedText {
        var result = CodedText(
            field: field,
            source: source,
            answered: !Self.isBlank(text),
            codes: [],
            evidence: [],
            negated: [],
            numbers: [:],
            review: nil
        )
        guard result.answered else { return result }
        Self.withUTF8(text) { bytes in
            analysis.run(program, on: bytes, in: self.program)
            var found = Set<Int32>()
            for finding in analysis.positives where program.labelReported[Int(finding.label)] {
                found.insert(finding.label)
                result.evidence.append(evidence(finding, program, wording, source, bytes, analysis))
            }
            for finding in analysis.negated where program.labelReported[Int(finding.label)] && !found.contains(finding.label) {
                result.negated.append(evidence(finding, program, wording, source, bytes, analysis))
            }
            result.codes = program.reportOrder.filter { found.contains($0) }.map { program.labelNames[Int($0)] }
            for number in analysis.numbers {
                let rule = program.numbers[Int(number.number)]
                result.numbers[rule.name] = self.number(number, rule, source, bytes, analysis)
            }
            result.review = reviewItem(program, wording, bytes, analysis, text: text, source: { source })
        }
        return result
    }

    private func evidence(
        _ finding: Finding,
        _ field: FieldProgram,
        _ wording: ReviewWording,
        _ source: String,
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ analysis: borrowing TextAnalysis
    ) -> Evidence {
        let span = analysis.byteSpan(finding.start, finding.end)
        return Evidence(
            code: field.labelNames[Int(finding.label)],
            rule: field.ruleIDs[Int(finding.rule)],
            source: source,
            start: span.lowerBound,
            end: span.upperBound,
            matched: String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self),
            confidence: wording.confidence(finding)
        )
    }

    private func number(
        _ found: NumberFinding,
        _ rule: FieldProgram.Number,
        _ source: String,
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ analysis: borrowing TextAnalysis
    ) -> CodedNumber {
        let span = analysis.byteSpan(found.start, found.end)
        return CodedNumber(
            value: found.value,
            evidence: Evidence(
                code: rule.name,
                rule: rule.ruleID,
                source: source,
                start: span.lowerBound,
                end: span.upperBound,
                matched: String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self)
            )
        )
    }

    /// Runs `body` on the text's UTF-8 bytes without copying a native string.
    private static func withUTF8(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if text.utf8.withContiguousStorageIfAvailable(body) == nil {
            var copy = text
            copy.withUTF8(body)
        }
    }

    /// Blank = empty or only ASCII whitespace: not an answer.
    private static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
