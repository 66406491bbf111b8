import FieldTallyTestKit
import Foundation
import Testing

@testable import SurveyEngine

@Suite struct JSONParserTests {
    let parser = JSONParser()

    func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parser.parse(Array(text.utf8)) }

    func failure(_ bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try parser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    func failure(_ text: String) -> JSONParseError? { failure(Array(text.utf8)) }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" { "s": "x", "n": -12.5e1, "t": true, "f": false, "z": null, "a": [1, [], {}], "o": {"k": "v"} } "#)
        #expect(
            value
                == .object([
                    "s": .string("x"), "n": .number(-125), "t": .bool(true), "f": .bool(false), "z": .null,
                    "a": .array([.number(1), .array([]), .object([:])]), "o": .object(["k": .string("v")]),
                ])
        )
    }

    @Test func leavesOutOnlyTheSkippedMemberAtItsPath() throws {
        let skipping = JSONParser(skipping: ["coding", "*", "*", "evidence"])
        let text =
            #"{"coding":{"fields":{"a":{"codes":["x"],"evidence":[{"m":"q\"}]","n":[1,{"z":null}]}]}},"numbers":{"d":{"value":12,"evidence":{"s":"t"}}}},"submission":{"answers":{"x":{"evidence":"kept"}},"evidence":"kept too"}}"#
        let skipped = try skipping.parse(Array(text.utf8))
        var expected = try parse(text)
        guard case .object(var root) = expected, case .object(var coding) = root["coding"] else {
            Issue.record("not an object")
            return
        }
        coding["fields"] = .object(["a": .object(["codes": .array([.string("x")])])])
        coding["numbers"] = .object(["d": .object(["value": .number(12)])])
        root["coding"] = .object(coding)
        expected = .object(root)
        #expect(skipped == expected)
        #expect(skipping.skippedMember == ["coding", "*", "*", "evidence"])
    }

    @Test func aSkippedValueMustStillBeBalancedAndWellQuoted() {
        let skipping = JSONParser(skipping: ["e"])
        for bad in [#"{"e":[1,2}"#, #"{"e":"open}"#, #"{"e":}"#, #"{"e":[[[["#, "{\"e\":\"a\u{1}b\"}", #"{"e":{"a":1}"#] {
            #expect(throws: JSONParseError.self, "\(bad)") { try skipping.parse(Array(bad.utf8)) }
        }
        #expect(throws: JSONParseError.self) { try JSONParser(maxDepth: 3, skipping: ["e"]).parse(Array(#"{"e":[[[1]]]}"#.utf8)) }
        #expect((try? skipping.parse(Array(#"{"e":-1.5e3 ,"f":true}"#.utf8))) == .object(["f": .bool(true)]))
    }

    @Test func acceptsAnyValueAtTheTopLevel() throws {
        #expect(try parse("42") == .number(42))
        #expect(try parse("\"only\"") == .string("only"))
        #expect(try parse(" null\n") == .null)
    }

    @Test func decodesEveryEscapeIncludingSurrogatePairs() throws {
        let value = try parse(#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20AC \ud83d\ude00""#)
        #expect(value == .string("\" \\ / \u{8} \u{C} \n \r \t A é € 😀"))
    }

    @Test func keepsRawUnicodeText() throws {
        #expect(try parse("\"Children’s services – café 😀\"") == .string("Children’s services – café 😀"))
    }

    @Test func rejectsLoneAndMismatchedSurrogates() {
        #expect(failure(#""\ud83d""#)?.kind == .invalidJSON)
        #expect(failure(#""\ude00""#)?.reason.contains("lone low surrogate") == true)
        #expect(failure(#""\ud83d\u0041""#)?.reason.contains("not a low surrogate") == true)
    }

    @Test func rejectsBadEscapesAndRawControlCharacters() {
        #expect(failure(#""\x41""#)?.reason.contains("invalid escape") == true)
        #expect(failure(#""\u12G4""#)?.reason.contains("hex digit") == true)
        #expect(failure("\"tab\there\"")?.reason.contains("control character") == true)
        #expect(failure("\"line\nbreak\"")?.kind == .invalidJSON)
    }

    @Test(arguments: [
        "0", "-0", "7", "-2018", "0.1", "12.50", "1e3", "1E+2", "2.5e-3", "123456789012345678", "9007199254740993",
        "1.7976931348623157e308", "4.9406564584124654e-324", "0.30000000000000004", "3.141592653589793238462643383279",
        "1e-400", "0.000001234", "123.456e-5", "98765432109876543210e-10",
    ])
    func parsesNumbersToTheNearestDouble(text: String) throws {
        // The standard library's strtod-based reading is correctly rounded: the parser must agree bit for bit.
        let expected = try #require(Double(text))
        #expect(try parse(text).numberValue?.bitPattern == expected.bitPattern)
    }

    @Test(arguments: ["01", "-", "1.", ".5", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1.5.2", "--1"])
    func rejectsMalformedNumbers(text: String) {
        #expect(failure(text)?.kind == .invalidJSON)
    }

    @Test func rejectsNumbersBeyondDoubleRange() {
        #expect(failure("1e400")?.reason.contains("does not fit") == true)
        #expect(failure("-1e309")?.kind == .invalidJSON)
    }

    @Test(arguments: [
        "", " ", "{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "[1,", "[1,]", "{\"a\":1,}", "{,}",
        "{'a':1}", "{a:1}", "tru", "nul", "[1 2]", "{\"a\" 1}", "{} {}", "\"open", "// comment\n1", "[1]]",
    ])
    func rejectsMalformedDocuments(text: String) {
        #expect(failure(text)?.kind == .invalidJSON)
    }

    @Test func rejectsDuplicateMemberNames() {
        let error = failure(#"{"answers":{},"answers":{"x":1}}"#)
        #expect(error?.reason.contains("duplicate member name \"answers\"") == true)
        #expect(error?.offset == 14)
    }

    @Test func rejectsAByteOrderMark() {
        #expect(failure([0xEF, 0xBB, 0xBF] + Array("{}".utf8))?.reason.contains("byte order mark") == true)
    }

    @Test func errorsNameTheExactPosition() throws {
        let error = try #require(failure("{\n  \"a\": [1, 2,,3]\n}"))
        #expect(error.offset == 15)
        #expect(error.line == 2)
        #expect(error.column == 14)
        #expect(error.message == "invalid JSON at byte 15 (line 2, column 14): unexpected character ',', expected a value")
    }

    @Test func truncationIsReportedAtTheEnd() throws {
        let text = #"{"form_id":"wwc-csc-2018","answers":{"top"#
        let error = try #require(failure(text))
        #expect(error.offset == text.utf8.count)
        #expect(error.reason == "unexpected end of input inside a string")
    }

    @Test func nestingUpToTheLimitParses() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try parse(deep)
        let deepObjects = String(repeating: "{\"a\":", count: 63) + "[]" + String(repeating: "}", count: 63)
        _ = try parse(deepObjects)
    }

    @Test func nestingBeyondTheLimitIsAnErrorNotACrash() throws {
        let error = try #require(failure(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)))
        #expect(error.reason.contains("deeper than 64"))
        #expect(error.offset == 64)
        // Far beyond: one million brackets must not overflow the stack.
        #expect(failure(String(repeating: "[", count: 1_000_000))?.kind == .invalidJSON)
        #expect(failure(String(repeating: "{\"a\":", count: 200_000))?.kind == .invalidJSON)
    }

    @Test func theNestingLimitIsConfigurable() {
        let shallow = JSONParser(maxDepth: 2)
        #expect((try? shallow.parse(Array("[[1]]".utf8))) != nil)
        #expect((try? shallow.parse(Array("[[[1]]]".utf8))) == nil)
    }

    @Test func parsesFromStringsAndNonContiguousCollections() throws {
        #expect(try parser.parse(#"{"k":[true]}"#) == .object(["k": .array([.bool(true)])]))
        let bytes = Array(#"{"k":"v"}"#.utf8)
        #expect(try parser.parse(bytes.lazy.map { $0 }) == .object(["k": .string("v")]))
    }

    @Test func agreesWithFoundationOnTheSampleLines() throws {
        // An independent reading of every well-formed sample line must give the same values.
        var compared = 0
        for message in try SampleStream.load().messages {
            guard let foundation = try? JSONSerialization.jsonObject(with: Data(message.value), options: [.fragmentsAllowed]) else { continue }
            #expect(try parser.parse(message.value) == JSONValue(foundation: foundation), "line \(message.line)")
            compared += 1
        }
        #expect(compared == 85)
    }
}

extension JSONValue {
    /// The value Foundation's JSONSerialization read (the sample has no booleans), for cross-checking.
    init(foundation: Any) {
        switch foundation {
        case let number as NSNumber: self = .number(number.doubleValue)
        case let string as String: self = .string(string)
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init(foundation:)))
        default: self = .null
        }
    }
}
