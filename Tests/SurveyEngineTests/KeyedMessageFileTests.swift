import Foundation
import Testing

@testable import SurveyEngine

@Suite struct KeyedMessageFileTests {
    @Test func tabSeparatedLinesKeepKeyAndRawValue() {
        let bytes = Array("E1\t{\"a\":1}\n\t{bad\r\n\nE2\t\u{FF}x".utf8) + [0xC3, 0x28]
        let messages = KeyedMessageFile.parse(bytes)
        #expect(messages.count == 3)
        #expect(messages[0].keyString == "E1")
        #expect(messages[0].value == Array("{\"a\":1}".utf8))
        #expect(messages[1].key == nil)
        #expect(messages[1].value == Array("{bad".utf8))
        #expect(messages[1].line == 2)
        #expect(messages[2].line == 4)
        #expect(messages[2].value.suffix(2) == [0xC3, 0x28])
    }

    @Test func plainJSONLinesAreKeyedByRespondent() {
        let messages = KeyedMessageFile.parse(Array("{\"form_id\":\"f\",\"respondent_id\": \"E09000001\"}\n{\"x\":1}\n".utf8))
        #expect(messages.map(\.keyString) == ["E09000001", ""])
        #expect(messages[1].key == nil)
    }

    @Test func sampleStreamHasEightyEightMessages() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Schemas/wwc-csc-2018/sample/stream.tsv")
        let data = try Data(contentsOf: url)
        let messages = KeyedMessageFile.parse(Array(data))
        #expect(messages.count == 88)
        #expect(messages.filter { $0.key == nil }.count == 1)
    }
}
