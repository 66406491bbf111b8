import Foundation
import Testing

@testable import SurveyEngine

/// `JSONObject` keeps members in the order written but compares and hashes as an unordered
/// map, which the identical re-send rule needs.
@Suite struct JSONObjectTests {
    let parser = JSONParser()

    @Test func sameMembersInAnotherOrderAreEqualAndHashEqual() throws {
        let forward = try parser.parse(#"{"a":1,"b":{"x":true,"y":[1,2]},"c":"z"}"#)
        let backward = try parser.parse(#"{"c":"z","b":{"y":[1,2],"x":true},"a":1}"#)
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(Set([forward, backward]).count == 1)
    }

    @Test func aDifferentValueOrAnExtraMemberIsNotEqual() throws {
        let base = try parser.parse(#"{"a":1,"b":2}"#)
        #expect(base != (try parser.parse(#"{"a":1,"b":3}"#)))
        #expect(base != (try parser.parse(#"{"a":1,"b":2,"c":null}"#)))
        #expect(base != (try parser.parse(#"{"a":1,"c":2}"#)))
    }

    @Test func largeObjectsCompareOrderFreeToo() throws {
        let names = (0..<40).map { "member\($0)" }
        let forward = "{" + names.map { "\"\($0)\":\($0.count)" }.joined(separator: ",") + "}"
        let backward = "{" + names.reversed().map { "\"\($0)\":\($0.count)" }.joined(separator: ",") + "}"
        #expect(try parser.parse(forward) == (try parser.parse(backward)))
        let changed = backward.replacingOccurrences(of: "\"member7\":7", with: "\"member7\":8")
        #expect(try parser.parse(forward) != (try parser.parse(changed)))
    }

    @Test func parsedMembersKeepTheOrderWritten() throws {
        let object = try #require(try parser.parse(#"{"z":1,"a":2,"m":3}"#).objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object.values == [.number(1), .number(2), .number(3)])
        #expect(object["a"] == .number(2))
        #expect(object["q"] == nil)
    }

    @Test func settingReplacesAppendsAndRemovesMembers() {
        var object: JSONObject = ["a": .number(1), "b": .number(2)]
        object["a"] = .string("x")
        object["c"] = .null
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["a"] == .string("x"))
        #expect(object["c"] == .null)
        #expect(JSONValue.object(object) == .object(["c": .null, "a": .string("x")]))
    }

    @Test func aDuplicateNameInALargeObjectIsStillRejectedWhereItIsWritten() {
        let members = (0..<40).map { "\"m\($0)\":\($0)" } + ["\"m3\":0"]
        let text = "{" + members.joined(separator: ",") + "}"
        do {
            _ = try parser.parse(text)
            Issue.record("a document with a repeated member name was accepted")
        } catch {
            #expect(error.reason.contains("duplicate member name \"m3\""))
            #expect(error.offset == text.utf8.count - "\"m3\":0}".utf8.count)
        }
    }
}
