import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker
import Testing

/// A dead letter must land on the same partition every time it is written, so the aggregator's
/// per-partition de-duplication recognises the copy a crashed worker writes again.
@Suite("Dead-letter keys")
struct DeadLetterKeyTests {
    let letters = DeadLetters(topic: "survey.rejected", worker: "tally-validate")
    let source = KafkaTopicPartitionOffset(topic: "survey.submissions", partition: 2, offset: 41)
    let rejection = Rejection(reason: .invalid, problems: [Problem(pointer: "/form_id", code: .required, message: "missing")])

    @Test(
        "a message without a key gets a dead letter keyed by its source position, not a random partition",
        arguments: [nil, []] as [[UInt8]?]
    )
    func keylessMessageIsKeyedBySource(key: [UInt8]?) {
        let input = KafkaRecord(topic: "survey.submissions", partition: 2, offset: 41, key: key, value: Array("{}".utf8))
        let first = letters.record(for: rejection, input: input, source: source)
        let again = letters.record(for: rejection, input: input, source: source)
        #expect(first.key == Array("survey.submissions/2/41".utf8))
        #expect(first.key == again.key && first.partition == nil)
    }

    @Test("a dead letter is keyed by the respondent when the message names one, else by the message key")
    func keyedByRespondentThenKey() {
        let input = KafkaRecord(topic: "survey.submissions", partition: 0, offset: 7, key: Array("E06000018".utf8), value: Array("<xml/>".utf8))
        #expect(letters.record(for: rejection, input: input, source: source).key == Array("E06000018".utf8))
        var named = rejection
        named.respondentId = "E09000011"
        #expect(letters.record(for: named, input: input, source: source).key == Array("E09000011".utf8))
    }

    @Test(
        "a dead letter read back and carried to another topic (tally replay) keeps its key, header and bytes",
        arguments: [nil, Array("E06000018".utf8)] as [[UInt8]?]
    )
    func carriedLetterIsWrittenAsTheWorkerWroteIt(key: [UInt8]?) throws {
        let input = KafkaRecord(topic: "survey.submissions", partition: 2, offset: 41, key: key, value: Array("{}".utf8))
        let first = letters.record(for: rejection, input: input, source: source)
        let letter = try JSONDecoder().decode(DeadLetter.self, from: Data(try #require(first.value)))
        let carried = DeadLetters(topic: "survey.rejected.replay", worker: "tally-code-replay").record(carrying: letter)
        #expect(carried.topic == "survey.rejected.replay")
        #expect(carried.key == first.key && carried.value == first.value)
        #expect(carried.headers == first.headers)
    }
}
