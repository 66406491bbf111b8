import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The shipped codebook against the human coders of the public sample.
@Suite struct CodingAgreementTests {
    /// Pooled agreement of one field (SurveyEngine's, as `tally codebook check` prints it) and its per-code counts.
    private struct Agreement {
        var pooled: FieldAgreement
        var perCode: [String: (gold: Int, coded: Int, both: Int)] = [:]

        var total: Int { pooled.total }
        var kappa: Double { pooled.kappa }
    }

    private func load() throws -> (Coder, GoldCodes) {
        let coder = try Coder(codebook: Codebook(contentsOfFile: GoldCodes.codebookPath))
        return (coder, try GoldCodes.load())
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }

    @Test func everyCodedFieldAgreesWithHumanCodersAtKappaAtLeast0_9() throws {
        let (coder, gold) = try load()
        #expect(gold.respondents.count == 60)
        let results = Dictionary(uniqueKeysWithValues: gold.respondents.map { ($0.respondentID, coder.code(answers: $0.answers)) })
        var report = ["field                  base  TP  FP  FN    TN  precision  recall  kappa"]
        var agreements: [String: Agreement] = [:]
        for field in coder.codebook.fields {
            let codes = field.codes.filter(\.report).map(\.code)
            var agreement = Agreement(pooled: FieldAgreement(field: field.name))
            for respondent in gold.respondents where respondent.answeredFields.contains(field.name) {
                let goldCodes = Set(respondent.codes[field.name] ?? [])
                let coded = Set(results[respondent.respondentID]?.fields[field.name]?.codes ?? [])
                for code in codes {
                    let g = goldCodes.contains(code)
                    let c = coded.contains(code)
                    agreement.pooled.add(gold: g, coded: c)
                    var counts = agreement.perCode[code] ?? (0, 0, 0)
                    counts.gold += g ? 1 : 0
                    counts.coded += c ? 1 : 0
                    counts.both += g && c ? 1 : 0
                    agreement.perCode[code] = counts
                }
            }
            agreements[field.name] = agreement
            let base = agreement.total / max(codes.count, 1)
            let pooled = agreement.pooled
            let counts = String(
                format: "%4d %3d %3d %3d %5d",
                base,
                pooled.truePositive,
                pooled.falsePositive,
                pooled.falseNegative,
                pooled.trueNegative
            )
            report.append(
                field.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + " \(counts)"
                    + "      \(Self.format(agreement.pooled.precision))   \(Self.format(agreement.pooled.recall))  \(Self.format(agreement.kappa))"
            )
            for code in codes {
                let c = agreement.perCode[code] ?? (0, 0, 0)
                report.append("    \(code.padding(toLength: 28, withPad: " ", startingAt: 0)) gold \(c.gold)  coded \(c.coded)  both \(c.both)")
            }
        }
        print(report.joined(separator: "\n"))
        for field in coder.codebook.fields {
            let agreement = try #require(agreements[field.name])
            #expect(agreement.total > 0, "no answered respondents for \(field.name)")
            #expect(agreement.kappa >= 0.9, "\(field.name): kappa \(Self.format(agreement.kappa)) is below 0.9")
        }
    }

    @Test func answeredBaseMatchesHumanCoders() throws {
        let (coder, gold) = try load()
        for respondent in gold.respondents {
            let result = coder.code(answers: respondent.answers)
            #expect(Set(result.fields.keys) == Set(coder.fieldNames), "every declared field is present")
            for field in coder.fieldNames {
                #expect(
                    result.fields[field]?.answered == respondent.answeredFields.contains(field),
                    "\(respondent.respondentID) \(field): answered differs from the gold"
                )
            }
            #expect(result.codebookVersion == coder.codebook.version)
        }
    }

    @Test func durationWeeksEqualsGoldForEveryRespondent() throws {
        let (coder, gold) = try load()
        var stated = 0
        for respondent in gold.respondents {
            let value = coder.code(answers: respondent.answers).numbers["duration_weeks"]?.value
            #expect(
                value == respondent.durationWeeks,
                "\(respondent.respondentID): duration_weeks \(String(describing: value)), gold \(String(describing: respondent.durationWeeks))"
            )
            if respondent.durationWeeks != nil { stated += 1 }
        }
        #expect(stated == 20, "the sample states 20 durations")
    }

    @Test func mentionsTheHumanCodersMarkedNegatedAreNotCoded() throws {
        let (coder, gold) = try load()
        var checked = 0
        for respondent in gold.respondents {
            let result = coder.code(answers: respondent.answers)
            for (source, coding) in respondent.sources where !coding.negated.isEmpty {
                let text = try #require(respondent.text(of: source), "\(respondent.respondentID) has no text at \(source)")
                for field in coding.codes.keys {
                    let single = try #require(coder.code(text: text, field: field, source: "answers." + source))
                    for code in coding.negated {
                        checked += 1
                        #expect(!single.codes.contains(code), "\(respondent.respondentID): '\(code)' is negated in: \(text)")
                        #expect(single.negatedCodes.contains(code), "\(respondent.respondentID): the negated mention of '\(code)' is reported")
                        #expect(!(result.fields[field]?.codes.contains(code) ?? false))
                    }
                }
            }
        }
        #expect(checked == 3, "the sample has three negated mentions")
    }

    @Test func evidenceNamesRuleSourceAndTheExactBytesMatched() throws {
        let (coder, gold) = try load()
        for respondent in gold.respondents {
            let result = coder.code(answers: respondent.answers)
            for (name, field) in result.fields {
                #expect(Set(field.evidence.map(\.code)) == Set(field.codes), "\(respondent.respondentID) \(name): evidence for exactly the codes")
                #expect(field.codes == field.codes.sorted())
                for evidence in field.evidence {
                    let text = try #require(respondent.answers.value(atPath: evidence.source.dropFirst("answers.".count))?.stringValue)
                    let bytes = Array(text.utf8)
                    #expect(evidence.start >= 0 && evidence.start < evidence.end && evidence.end <= bytes.count)
                    #expect(String(decoding: bytes[evidence.start..<evidence.end], as: UTF8.self) == evidence.matched)
                    #expect(!evidence.rule.isEmpty)
                }
            }
        }
    }
}
