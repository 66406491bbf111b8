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

    /// The codebook version recorded in every result.
    public var version: String { program.version }

    /// The coded field names, in codebook order.
    public var fieldNames: [String] { program.fields.map(\.name) }

    /// Compiles a codebook.
    /// - Throws: `SurveyDefinitionError` when the codebook is invalid (see ``Codebook/validate()``).
    public init(codebook: Codebook) throws(SurveyDefinitionError) {
        self.codebook = codebook
        self.program = try CodebookCompiler(codebook: codebook).compile()
    }

    /// Decodes, validates and compiles a YAML codebook.
    /// - Throws: `SurveyDefinitionError` naming `source` (see ``Codebook/init(yaml:source:)``).
    public convenience init(yaml: String, source: String = "codebook.yaml") throws(SurveyDefinitionError) {
        try self.init(codebook: try Codebook(yaml: yaml, source: source))
    }

    /// Codes every field of one submission's `answers` object.
    ///
    /// Source paths are written from the submission root (`answers.…`); their first step is
    /// resolved against `answers`. Every declared field is present in the result: `answered`
    /// when any of its source texts is non-blank; `codes` is the union over its source texts,
    /// sorted by name; `evidence` lists every rule match in source order, then text order.
    /// A number is taken from the first source text (in codebook order) that states one.
    public func code(answers: JSONValue) -> CodingResult {
        var analysis = TextAnalysis()
        var fields: [String: CodedField] = [:]
        var numbers: [String: CodedNumber] = [:]
        var present: [Bool] = []
        for field in program.fields {
            var answered = false
            var evidence: [Evidence] = []
            present.removeAll(keepingCapacity: true)
            present.append(contentsOf: repeatElement(false, count: field.labels.count))
            for source in field.sources {
                source.forEachText(in: answers) { path, text in
                    if Self.isBlank(text) { return }
                    answered = true
                    var text = text
                    text.withUTF8 { bytes in
                        analysis.run(field, on: bytes, in: program)
                        for finding in analysis.positives where field.labels[Int(finding.label)].report {
                            present[Int(finding.label)] = true
                            evidence.append(self.evidence(finding, field, path, bytes, analysis))
                        }
                        for found in analysis.numbers {
                            let number = field.numbers[Int(found.number)]
                            if numbers[number.name] == nil {
                                numbers[number.name] = self.number(found, number, path, bytes, analysis)
                            }
                        }
                    }
                }
            }
            let codes = field.reportOrder.filter { present[Int($0)] }.map { field.labels[Int($0)].name }
            fields[field.name] = CodedField(answered: answered, codes: codes, evidence: evidence)
        }
        return CodingResult(codebookVersion: program.version, fields: fields, numbers: numbers)
    }

    /// Codes a submission's answers (see ``code(answers:)``).
    public func code(submission: Submission) -> CodingResult { code(answers: submission.answers) }

    /// Codes one text as if it were the answer at `source` for `field`, also reporting negated
    /// mentions. Returns `nil` when the codebook declares no field called `field`.
    public func code(text: String, field: String, source: String) -> CodedText? {
        guard let index = program.fieldIndex(field) else { return nil }
        let program = program.fields[index]
        var analysis = TextAnalysis()
        var result = CodedText(field: field, source: source, answered: !Self.isBlank(text), codes: [], evidence: [],
                               negated: [], numbers: [:])
        guard result.answered else { return result }
        var text = text
        text.withUTF8 { bytes in
            analysis.run(program, on: bytes, in: self.program)
            var found = Set<Int32>()
            for finding in analysis.positives where program.labels[Int(finding.label)].report {
                found.insert(finding.label)
                result.evidence.append(evidence(finding, program, source, bytes, analysis))
            }
            for finding in analysis.negated where program.labels[Int(finding.label)].report && !found.contains(finding.label) {
                result.negated.append(evidence(finding, program, source, bytes, analysis))
            }
            result.codes = program.reportOrder.filter { found.contains($0) }.map { program.labels[Int($0)].name }
            for number in analysis.numbers {
                let rule = program.numbers[Int(number.number)]
                result.numbers[rule.name] = self.number(number, rule, source, bytes, analysis)
            }
        }
        return result
    }

    private func evidence(_ finding: Finding, _ field: FieldProgram, _ source: String,
                          _ bytes: UnsafeBufferPointer<UInt8>, _ analysis: TextAnalysis) -> Evidence {
        let span = analysis.byteSpan(finding.start, finding.end)
        return Evidence(code: field.labels[Int(finding.label)].name, rule: field.rules[Int(finding.rule)].id, source: source,
                        start: span.lowerBound, end: span.upperBound,
                        matched: String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self))
    }

    private func number(_ found: NumberFinding, _ rule: FieldProgram.Number, _ source: String,
                        _ bytes: UnsafeBufferPointer<UInt8>, _ analysis: TextAnalysis) -> CodedNumber {
        let span = analysis.byteSpan(found.start, found.end)
        return CodedNumber(value: found.value, evidence: Evidence(
            code: rule.name, rule: rule.ruleID, source: source, start: span.lowerBound, end: span.upperBound,
            matched: String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self)))
    }

    /// Blank = empty or only ASCII whitespace: not an answer.
    private static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
