import FieldTallyTestKit
import Foundation
import SurveyEngine
import Testing

/// The synthetic stream the crash test and the benchmarks submit: K copies of the sample must
/// tally to exactly K times the sample, and padding must not change a single code.
@Suite("Synthetic survey stream")
struct SyntheticStreamTests {
    static let sampleSurvey = SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018")

    /// The sample through `OfflineTally` with the package's schemas, each message's outcome kept.
    static func offlineSample() throws -> (document: TallyDocument, outcomes: [Outcome]) {
        let survey = try SurveyDefinition(directory: sampleSurvey.path)
        let bytes = try #require(FileManager.default.contents(atPath: SampleStream.directory.appendingPathComponent("stream.tsv").path))
        var run = OfflineTally(survey: survey)
        let outcomes = KeyedMessageFile.parse(bytes).map { run.process($0).outcome }
        return (run.document(), outcomes)
    }

    /// `stream` written to a fresh folder and tallied offline with the schemas written beside it.
    static func offline(_ stream: SyntheticStream) throws -> (document: TallyDocument, outcomes: [Outcome]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try stream.write(to: folder, survey: sampleSurvey)
        let survey = try SurveyDefinition(directory: output.schemas.path)
        let bytes = try #require(FileManager.default.contents(atPath: output.stream.path))
        var run = OfflineTally(survey: survey)
        let outcomes = KeyedMessageFile.parse(bytes).map { run.process($0).outcome }
        return (run.document(), outcomes)
    }

    @Test(
        "K copies of the sample tally to exactly K times its counts, with the same percentages",
        arguments: [nil, 2_048] as [Int?]
    )
    func copiesMultiplyEveryCount(padTo: Int?) throws {
        let copies = 3
        let sample = try Self.offlineSample().document
        let synthetic = try Self.offline(try SyntheticStream.sample(.init(copies: copies, padTo: padTo, seed: 7))).document
        #expect(sample.countedRespondents == 60, "the sample itself should count 60 respondents")
        let differences = ScaledTallyCheck(factor: copies).differences(base: sample, scaled: synthetic)
        #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.prefix(40).joined(separator: "\n"))")
    }

    @Test("every message of every copy has the outcome its sample message has (unknown ids stay unknown, stale edits stay stale)")
    func everyCopyKeepsEachOutcome() throws {
        let sample = try Self.offlineSample().outcomes
        let synthetic = try Self.offline(try SyntheticStream.sample(.init(copies: 2, padTo: 2_048, seed: 11))).outcomes
        try #require(synthetic.count == 2 * sample.count)
        for (index, outcome) in synthetic.enumerated() {
            let expected = sample[index % sample.count]
            #expect(
                OutcomeKind(outcome) == OutcomeKind(expected),
                "message \(index + 1) (sample line \(index % sample.count + 1)): \(OutcomeKind(outcome)), sample \(OutcomeKind(expected))"
            )
        }
        #expect(Set(sample.map(OutcomeKind.init)).count >= 8, "the sample should exercise every kind of outcome")
    }

    @Test("padding brings messages to the target mean size and changes no code, number or verdict")
    func paddingChangesNoCode() throws {
        let plainStream = try SyntheticStream.sample(.init(copies: 3, seed: 5))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let survey = try SurveyDefinition(directory: try plainStream.write(to: folder, survey: Self.sampleSurvey).schemas.path)
        let plain = plainStream.messages
        let padded = try SyntheticStream.sample(.init(copies: 3, padTo: 2_048, seed: 5)).messages
        try #require(plain.count == padded.count)
        let mean = padded.reduce(0) { $0 + $1.value.count } / padded.count
        #expect((1_950...2_150).contains(mean), "mean padded message is \(mean) B, target 2048 B")
        var codedMessages = 0
        for (before, after) in zip(plain, padded) {
            #expect(before.key == after.key)
            switch (survey.validator.validate(before.value), survey.validator.validate(after.value)) {
            case (.valid(let a), .valid(let b)):
                #expect(after.value.count > before.value.count, "line \(after.line) was not padded")
                let (x, y) = (survey.coder.code(submission: a), survey.coder.code(submission: b))
                #expect(
                    x.fields.mapValues { [String($0.answered)] + $0.codes } == y.fields.mapValues { [String($0.answered)] + $0.codes },
                    "line \(after.line): codes changed by padding"
                )
                #expect(x.numbers.mapValues(\.value) == y.numbers.mapValues(\.value), "line \(after.line): numbers changed by padding")
                codedMessages += 1
            case (.rejected(let a), .rejected(let b)):
                #expect(
                    a.reason == b.reason && a.problems.map(\.code) == b.problems.map(\.code),
                    "line \(after.line): rejection changed by padding"
                )
            default:
                Issue.record("line \(after.line): padding changed the validation verdict")
            }
        }
        #expect(codedMessages > 200, "only \(codedMessages) messages were valid")
    }

    @Test("copies get fresh instance ids, the same seed the same bytes, another seed other ids")
    func identifiersAreFreshAndDeterministic() throws {
        let stream = try SyntheticStream.sample(.init(copies: 3, seed: 1))
        let ids = { (messages: ArraySlice<KeyedMessage>) in
            Set(messages.flatMap { Self.uuids(in: $0.value) })
        }
        let all = stream.messages
        let n = stream.sourceCount
        let perCopy = (0..<3).map { ids(all[($0 * n)..<(($0 + 1) * n)]) }
        let source = try SyntheticStream.sample(.init(copies: 1, seed: 1))
        #expect(perCopy.allSatisfy { $0.count == perCopy[0].count && $0.count > 60 })
        #expect(perCopy[0].isDisjoint(with: perCopy[1]) && perCopy[1].isDisjoint(with: perCopy[2]) && perCopy[0].isDisjoint(with: perCopy[2]))
        #expect(try SyntheticStream.sample(.init(copies: 3, seed: 1)).streamTSV == stream.streamTSV)
        #expect(ids(try SyntheticStream.sample(.init(copies: 1, seed: 2)).messages[...]).isDisjoint(with: ids(source.messages[...])))
        #expect(all[n].key.map { String(decoding: $0, as: UTF8.self) } == SyntheticStream.unitId(copy: 2, source: "E10000003"))
    }

    static func uuids(in value: [UInt8]) -> [String] {
        let text = String(decoding: value, as: UTF8.self)
        return text.split(separator: "\"").filter { $0.hasPrefix("uuid:") && $0.count == 41 }.map(String.init)
    }
}

/// An outcome without its ids and sentences, to compare a copy's message with its sample message.
struct OutcomeKind: Hashable, CustomStringConvertible {
    var name: String
    var problems: [String] = []

    init(_ outcome: Outcome) {
        switch outcome {
        case .acceptedFirst: name = "accepted first"
        case .acceptedEdit: name = "accepted edit"
        case .noop: name = "noop"
        case .alreadyApplied: name = "already applied"
        case .rejected(let rejection, _):
            name = "rejected \(rejection.reason.rawValue)"
            problems = rejection.problems.map { "\($0.pointer) \($0.code.rawValue)" }
        }
    }

    var description: String { problems.isEmpty ? name : "\(name) \(problems)" }
}
