import Foundation
import Testing
import FieldTallyTestKit
import SurveyEngine

/// The shipped codebook against the human coders of the public sample.
@Suite struct CodingAgreementTests {
    private struct Agreement {
        var truePositive = 0, falsePositive = 0, falseNegative = 0, trueNegative = 0
        var perCode: [String: (gold: Int, coded: Int, both: Int)] = [:]

        var total: Int { truePositive + falsePositive + falseNegative + trueNegative }
        var precision: Double { truePositive + falsePositive == 0 ? 1 : Double(truePositive) / Double(truePositive + falsePositive) }
        var recall: Double { truePositive + falseNegative == 0 ? 1 : Double(truePositive) / Double(truePositive + falseNegative) }
        /// Cohen's kappa over the pooled binary decisions (respondent × code).
        var kappa: Double {
            let n = Double(total)
            guard n > 0 else { return 1 }
            let observed = Double(truePositive + trueNegative) / n
            let goldYes = Double(truePositive + falseNegative) / n, codedYes = Double(truePositive + falsePositive) / n
            let expected = goldYes * codedYes + (1 - goldYes) * (1 - codedYes)
            return expected >= 1 ? (observed >= 1 ? 1 : 0) : (observed - expected) / (1 - expected)
        }
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
            var agreement = Agreement()
            for respondent in gold.respondents where respondent.answeredFields.contains(field.name) {
                let goldCodes = Set(respondent.codes[field.name] ?? [])
                let coded = Set(results[respondent.respondentID]?.fields[field.name]?.codes ?? [])
                for code in codes {
                    let g = goldCodes.contains(code), c = coded.contains(code)
                    switch (g, c) {
                    case (true, true): agreement.truePositive += 1
                    case (false, true): agreement.falsePositive += 1
                    case (true, false): agreement.falseNegative += 1
                    case (false, false): agreement.trueNegative += 1
                    }
                    var counts = agreement.perCode[code] ?? (0, 0, 0)
                    counts.gold += g ? 1 : 0
                    counts.coded += c ? 1 : 0
                    counts.both += g && c ? 1 : 0
                    agreement.perCode[code] = counts
                }
            }
            agreements[field.name] = agreement
            let base = agreement.total / max(codes.count, 1)
            report.append(field.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                + " \(String(format: "%4d %3d %3d %3d %5d", base, agreement.truePositive, agreement.falsePositive, agreement.falseNegative, agreement.trueNegative))"
                + "      \(Self.format(agreement.precision))   \(Self.format(agreement.recall))  \(Self.format(agreement.kappa))")
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
                #expect(result.fields[field]?.answered == respondent.answeredFields.contains(field),
                        "\(respondent.respondentID) \(field): answered differs from the gold")
            }
            #expect(result.codebookVersion == coder.codebook.version)
        }
    }

    @Test func durationWeeksEqualsGoldForEveryRespondent() throws {
        let (coder, gold) = try load()
        var stated = 0
        for respondent in gold.respondents {
            let value = coder.code(answers: respondent.answers).numbers["duration_weeks"]?.value
            #expect(value == respondent.durationWeeks, "\(respondent.respondentID): duration_weeks \(String(describing: value)), gold \(String(describing: respondent.durationWeeks))")
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
