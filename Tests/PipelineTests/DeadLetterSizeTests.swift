import FieldTallyKafka
import Foundation
import SurveyEngine
import TallyWorker
import Testing

/// A dead letter must always fit in a record the worker can write, or the worker retries its
/// delivery forever and stops consuming.
@Suite struct DeadLetterSizeTests {
    let deadLetters = DeadLetters(topic: "rejected", worker: "tally-validate", maxRecordBytes: 100_000)
    let rejection = Rejection(reason: .invalid, problems: [Problem(pointer: "", code: .tooLarge, message: "over the cap")])

    private func letter(for value: [UInt8]) throws -> (record: KafkaProducerRecord, letter: DeadLetter) {
        let input = KafkaRecord(topic: "submissions", partition: 0, offset: 7, key: Array("E09000001".utf8), value: value)
        let record = deadLetters.record(for: rejection, input: input, source: KafkaTopicPartitionOffset(of: input))
        return (record, try JSONDecoder().decode(DeadLetter.self, from: Data(try #require(record.value))))
    }

    @Test func anOriginalTooLargeForADeadLetterIsCutAtACharacterAndMarked() throws {
        let original = Array(String(repeating: "é", count: 150_000).utf8)
        let (record, letter) = try letter(for: original)
        #expect((record.value?.count ?? .max) <= 100_000)
        #expect(letter.valueTruncated == true)
        #expect(letter.valueBytes == original.count)
        let kept = try #require(letter.value, "a text original stays text")
        #expect(!kept.isEmpty && original.starts(with: Array(kept.utf8)))
        #expect(letter.reason == "invalid" && letter.problems.map(\.code) == [.tooLarge])
    }

    @Test func anOversizedOriginalThatIsNotTextKeepsItsStartInBase64() throws {
        let original = (0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 31) } + [0xFF]
        let (record, letter) = try letter(for: original)
        #expect((record.value?.count ?? .max) <= 100_000)
        #expect(letter.valueTruncated == true && letter.valueBytes == original.count && letter.value == nil)
        #expect(original.starts(with: letter.originalValue) && !letter.originalValue.isEmpty)
    }

    @Test func anOriginalThatFitsIsKeptWholeAndUnmarked() throws {
        let original = Array(String(repeating: "x", count: 50_000).utf8)
        let (_, letter) = try letter(for: original)
        #expect(letter.originalValue == original)
        #expect(letter.valueTruncated == nil && letter.valueBytes == nil)
    }
}
