import Foundation
import SurveyEngine

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads an OpenRosa submission instance (the XML an ODK client posts) into the same shape as
/// a JSON submission, so one mapping serves both.
///
/// The root element becomes an object holding its attributes as `@name` members (`@id`,
/// `@version`) and its child elements by name; an element with child elements becomes an
/// object, any other element its text. A name repeated among siblings (a repeat group) becomes
/// an array. The root element's own name is not part of any path.
public enum XMLInstance {
    /// Why a body is not a well-formed XML instance.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// What the XML parser reported, with the line and column.
        public var description: String
    }

    /// Parses `bytes` as an XML document.
    /// - Parameter bytes: the request body.
    /// - Returns: the root element as an object.
    /// - Throws: ``ParseError`` saying where the XML is malformed (invalid UTF-8 included).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason =
                parser.parserError.map { error -> String in
                    let code = (error as NSError).code
                    return XMLParser.ErrorCode(rawValue: code).map { "\($0)" } ?? "XML parser error \(code)"
                } ?? "no root element"
            throw ParseError(description: "malformed XML at line \(parser.lineNumber), column \(parser.columnNumber): \(reason)")
        }
        // An instance whose root holds nothing is still an instance: an empty object.
        if case .object = root.value { return root.value }
        return .object(JSONObject())
    }

    /// An element being read: its attributes and children in order, and its text.
    private final class Element {
        var members: [(String, JSONValue)] = []
        var text = ""
        var hasChildren = false

        init(attributes: [String: String]) {
            members = attributes.sorted { $0.key < $1.key }.map { ("@" + $0.key, .string($0.value)) }
        }

        func add(_ name: String, _ value: JSONValue) {
            hasChildren = true
            if let index = members.firstIndex(where: { $0.0 == name }) {
                if case .array(let items) = members[index].1 {
                    members[index].1 = .array(items + [value])
                } else {
                    members[index].1 = .array([members[index].1, value])
                }
            } else {
                members.append((name, value))
            }
        }

        var value: JSONValue {
            if hasChildren || members.contains(where: { $0.0.hasPrefix("@") }) && text.allSatisfy(\.isWhitespace) {
                var object = JSONObject()
                for (name, value) in members { object[name] = value }
                return .object(object)
            }
            return .string(text)
        }
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [(name: String, element: Element)] = []
        var root: Element?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append((Self.localName(elementName), Element(attributes: stack.isEmpty ? attributes : [:])))
        }

        /// `orx:meta` → `meta`: ODK clients write the metadata block with or without a prefix.
        static func localName(_ name: String) -> String {
            name.split(separator: ":").last.map(String.init) ?? name
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.element.text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let (name, element) = stack.popLast() else { return }
            if let parent = stack.last {
                parent.element.add(name, element.value)
            } else {
                root = element
            }
        }
    }
}
