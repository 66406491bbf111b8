import Foundation
import SurveyEngine

/// Reads JSON bytes into the engine's `JSONValue` for tests (Foundation's `JSONDecoder`, which
/// tells `true` from `1`). Test-only: the product's parser is the validator's.
public struct ReferenceJSONValue: Decodable, Sendable {
    /// The decoded value.
    public let value: JSONValue

    /// Decodes any JSON value.
    ///
    /// `true` and `false` become `.bool`, every number `.number` (a `Double`), so integers above 2^53 lose precision.
    ///
    /// - Parameter decoder: A decoder positioned at one JSON value.
    /// - Throws: `DecodingError` for anything that is not JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let text = try? container.decode(String.self) {
            value = .string(text)
        } else if let elements = try? container.decode([ReferenceJSONValue].self) {
            value = .array(elements.map(\.value))
        } else {
            value = .object(try container.decode([String: ReferenceJSONValue].self).mapValues(\.value))
        }
    }

    /// Parses `data` as one JSON document.
    ///
    /// - Parameter data: UTF-8 JSON text; any top-level value (not only objects and arrays).
    /// - Returns: The document as the engine's `JSONValue`.
    /// - Throws: `DecodingError` when it is not JSON.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(ReferenceJSONValue.self, from: data).value
    }
}
