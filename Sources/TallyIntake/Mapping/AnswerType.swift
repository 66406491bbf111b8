import SurveyEngine

/// How a platform's answer text becomes the JSON the instrument expects (`type:` in
/// `intake.yaml`). Platforms send most answers as text: KoboToolbox every answer, an XML
/// instance everything, ODK Central's JSON numbers as numbers.
public enum AnswerType: String, Sendable, Hashable, CaseIterable {
    /// Passed on as sent. The default.
    case text
    /// One option code, passed on as sent.
    case selectOne = "select_one"
    /// A space-separated list of option codes (`"whole_system early_help"`) → an array of codes.
    case selectMultiple = "select_multiple"
    /// A whole number written as text → a JSON number.
    case integer
    /// Any number written as text → a JSON number.
    case number

    /// `value` as the instrument expects it.
    ///
    /// What does not read as this type is passed on unchanged, so the validator reports it with
    /// its usual problem (`type_mismatch`, `unknown_option`) and the message ends in
    /// `survey.rejected` like any invalid submission: a number that is not a number, or a
    /// select-multiple value holding something other than option names (e.g. commas).
    /// - Parameter value: the platform's value.
    public func convert(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value else { return value }
        switch self {
        case .text, .selectOne:
            return value
        case .selectMultiple:
            let codes = text.split(whereSeparator: \.isWhitespace)
            guard !codes.isEmpty, codes.allSatisfy(Self.isOptionName) else { return value }
            return .array(codes.map { .string(String($0)) })
        case .integer, .number:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard Self.isDecimal(trimmed, integer: self == .integer), let number = Double(trimmed), number.isFinite else { return value }
            return .number(number)
        }
    }

    /// An XLSForm choice name: letters, digits and `_ - . :` (an XML name token), so a list
    /// with commas or other punctuation is not split.
    static func isOptionName(_ code: Substring) -> Bool {
        code.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.:".unicodeScalars.contains($0) }
    }

    /// `-12`, `3.5`, `1e3` (a JSON number, with an optional leading `+`); only digits and a sign
    /// when `integer`.
    static func isDecimal(_ text: String, integer: Bool) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard let first = body.first, first.isASCII, first.isNumber else { return false }
        let allowed: Set<Character> = integer ? Set("0123456789") : Set("0123456789.eE+-")
        return body.allSatisfy { allowed.contains($0) }
    }
}
