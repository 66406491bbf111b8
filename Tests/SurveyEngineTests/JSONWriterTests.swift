import FieldTallyTestKit
import Testing

@testable import SurveyEngine

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONWithSortedKeys() {
        let value = JSONValue.object(["b": .array([.number(1), .null, .bool(true)]), "a": .object(["z": .string("x"), "y": .bool(false)])])
        #expect(JSONWriter().string(value) == #"{"a":{"y":false,"z":"x"},"b":[1,null,true]}"#)
    }

    @Test func sortsKeysByCodePointNotByLocale() {
        let value = JSONValue.object(["é": .number(1), "Z": .number(2), "a": .number(3), "_": .number(4)])
        #expect(JSONWriter().string(value) == #"{"Z":2,"_":4,"a":3,"é":1}"#)
    }

    @Test func outputIsTheSameWhateverTheInsertionOrder() {
        var forward: [String: JSONValue] = [:]
        var backward: [String: JSONValue] = [:]
        let names = (0..<50).map { "member\($0)" }
        for name in names { forward[name] = .string(name) }
        for name in names.reversed() { backward[name] = .string(name) }
        #expect(JSONWriter().bytes(.object(forward)) == JSONWriter().bytes(.object(backward)))
    }

    @Test func prettyDocumentOrderKeepsMembersAsAddedAndScalarArraysOnOneLine() {
        var document = JSONObject()
        document["z"] = .array([.number(1), .string("a")])
        document["a"] = .object(["only": .null])
        document["m"] = .array([.object([:]), .array([])])
        #expect(
            JSONWriter(sortsKeys: false, pretty: true).string(.object(document)) == """
                {
                  "z": [1, "a"],
                  "a": {
                    "only": null
                  },
                  "m": [
                    {},
                    []
                  ]
                }
                """
        )
        #expect(JSONWriter(sortsKeys: false).string(.object(document)) == #"{"z":[1,"a"],"a":{"only":null},"m":[{},[]]}"#)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        let text = "quote \" backslash \\ slash / newline \n tab \t bell \u{7} nul \u{0} é 😀"
        #expect(JSONWriter().string(.string(text)) == #""quote \" backslash \\ slash / newline \n tab \t bell \u0007 nul \u0000 é 😀""#)
    }

    @Test(arguments: [
        (2018.0, "2018"), (-0.0, "0"), (0.5, "0.5"), (-12.25, "-12.25"), (1e21, "1e+21"), (1e-7, "1e-07"),
        (9007199254740992.0, "9007199254740992"), (1e18, "1e+18"), (0.1, "0.1"), (123456789.125, "123456789.125"),
    ])
    func writesNumbersShortestAndWithoutNeedlessFractions(number: Double, text: String) {
        #expect(JSONWriter().string(.number(number)) == text)
    }

    @Test func writesNonFiniteNumbersAsNull() {
        #expect(JSONWriter().string(.array([.number(.infinity), .number(.nan)])) == "[null,null]")
    }

    @Test func randomDocumentsSurviveWriteThenParse() throws {
        var random = ReferenceRandom(seed: 2018)
        for _ in 0..<300 {
            let value = JSONValue.random(using: &random, depth: 0)
            let bytes = JSONWriter().bytes(value)
            #expect(try JSONParser().parse(bytes) == value)
            #expect(JSONWriter().bytes(try JSONParser().parse(bytes)) == bytes)
        }
    }
}

extension JSONValue {
    /// A random document: every kind of value, strings with escapes and non-ASCII, numbers of every shape.
    static func random(using random: inout ReferenceRandom, depth: Int) -> JSONValue {
        let kind = depth > 4 ? Int.random(in: 0..<4, using: &random) : Int.random(in: 0..<6, using: &random)
        switch kind {
        case 0: return Bool.random(using: &random) ? .null : .bool(Bool.random(using: &random))
        case 1:
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .number(Double(Int.random(in: -100_000...100_000, using: &random)))
            case 1: return .number(Double.random(in: -1e6...1e6, using: &random))
            default: return .number(Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF))
            }
        case 2, 3: return .string(randomString(using: &random))
        case 4: return .array((0..<Int.random(in: 0..<5, using: &random)).map { _ in JSONValue.random(using: &random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<5, using: &random) {
                members[randomString(using: &random)] = JSONValue.random(using: &random, depth: depth + 1)
            }
            return .object(members)
        }
    }

    static func randomString(using random: inout ReferenceRandom) -> String {
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "€", "😀", "\u{2028}", "plain text ", "0"]
        return (0..<Int.random(in: 0..<12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }
}
