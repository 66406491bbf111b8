import Foundation
import Yams

/// A versioned, human-edited codebook: how the free-text answers of one survey become codes.
///
/// A codebook is data (a YAML file under `Schemas/<survey>/codebook.yaml`, documented in
/// `Schemas/CODEBOOK.md`): it declares the coded fields, where their texts come from, their
/// codes with matching rules (phrases, abbreviations, misspellings, declarative implications),
/// exclusions, negation cues and number extraction rules. Swift only holds the generic matcher
/// (`Coder`) that this description drives; nothing about a particular survey lives in Swift.
///
/// Create it with ``init(yaml:source:)``, which decodes *and* validates the whole codebook
/// (every phrase is parsed and every reference resolved), then compile it once with
/// ``Coder/init(codebook:)``.
public struct Codebook: Sendable, Hashable {
    /// The instrument this codebook codes, e.g. `wwc-csc-2018`.
    public var survey: String
    /// The codebook version recorded with every coding result, e.g. `1.0.0`.
    /// Change it whenever a rule changes, so that replayed history can be told apart.
    public var version: String
    /// Free text for the people who maintain the codebook. Default: `nil`.
    public var description: String?
    /// How text is cut into words and how tolerant matching is. Default: ``TextSettings/init()``.
    public var text: TextSettings
    /// Number words and their values (`twelve: 12`), used by `#lo..hi` phrase elements and by
    /// number rules. Default: none.
    public var numberWords: [String: Double]
    /// Negation and scope cues (past, abandoned, rejected, future). Default: no cues.
    public var negation: Negation
    /// Named concepts: a name and the phrases that express it, defined once and used by rules as
    /// `@name` inside a phrase or in `together`. Concept words match by stem. Default: none.
    public var concepts: [String: [String]]
    /// The domain's abbreviations and what each stands for (`SW: social worker`), matched in the
    /// exact letter case written here: the text is matched as if the expansion were written. Default: none.
    public var abbreviations: [String: String]
    /// When a coded text goes to review. Default: ``ReviewSettings`` with its defaults.
    public var review: ReviewSettings
    /// The coded fields, in report order.
    public var fields: [Field]
    /// The model `review.second_opinion` names, read with the codebook. Default: `nil`.
    public var secondOpinion: SecondOpinion?

    /// Creates a codebook from its parts; call ``validate()`` (or compile it with `Coder`) to check it.
    /// - Parameters:
    ///   - survey: The form id of the instrument this codebook codes, e.g. `wwc-csc-2018`.
    ///   - version: The version recorded with every coding result; validation rejects an empty one.
    ///   - description: Notes for maintainers. Default: `nil`.
    ///   - text: Word splitting and misspelling tolerance. Default: `TextSettings()`.
    ///   - numberWords: Number words and their values (`twelve: 12`). Default: none.
    ///   - negation: Negation and scope cues. Default: `Negation()`, no cues.
    ///   - concepts: Named concepts and their phrases, used as `@name` and in `together`. Default: none.
    ///   - abbreviations: Domain abbreviations and their expansions, matched in the exact case given.
    ///     Default: none.
    ///   - review: When a coded text goes to review. Default: `ReviewSettings()` (confidence below 0.8, no clause checks, no weak-signal caps).
    ///   - fields: The coded fields in report order; validation requires at least one.
    ///   - secondOpinion: The model `review.second_opinion` names. Default: `nil`.
    public init(
        survey: String,
        version: String,
        description: String? = nil,
        text: TextSettings = TextSettings(),
        numberWords: [String: Double] = [:],
        negation: Negation = Negation(),
        concepts: [String: [String]] = [:],
        abbreviations: [String: String] = [:],
        review: ReviewSettings = ReviewSettings(),
        fields: [Field],
        secondOpinion: SecondOpinion? = nil
    ) {
        self.secondOpinion = secondOpinion
        self.survey = survey
        self.version = version
        self.description = description
        self.text = text
        self.numberWords = numberWords
        self.negation = negation
        self.concepts = concepts
        self.abbreviations = abbreviations
        self.review = review
        self.fields = fields
    }

    /// Decodes and validates a codebook from YAML text.
    ///
    /// - Parameters:
    ///   - yaml: the YAML document.
    ///   - source: the file name used in error messages; a relative `review.second_opinion` is read
    ///     from its folder. Default: `codebook.yaml`.
    /// - Throws: `SurveyDefinitionError` naming the file, the place in the document
    ///   (e.g. `fields[0] whole_system_model › codes › signs_of_safety › rules[1] wsm.sos.abbrev`)
    ///   and what to change: YAML syntax errors (with line and column), unknown or missing keys,
    ///   wrong value types, rules without phrases, regex-like phrases, references to unknown codes
    ///   or fields, duplicate names or rule ids, bad source paths.
    public init(yaml: String, source: String = "codebook.yaml") throws(SurveyDefinitionError) {
        do {
            self = try YAMLDecoder().decode(Codebook.self, from: yaml)
        } catch let problem as CodebookProblem {
            throw SurveyDefinitionError(file: source, message: problem.message)
        } catch let error as YamlError {
            throw SurveyDefinitionError(file: source, message: "is not valid YAML: \(Self.describe(error))")
        } catch let error as DecodingError {
            throw SurveyDefinitionError(file: source, message: Self.describe(error))
        } catch {
            throw SurveyDefinitionError(file: source, message: "could not be read as a codebook: \(error)")
        }
        if let model = review.secondOpinion {
            let path = DefinitionFile.path(model, relativeTo: (source as NSString).deletingLastPathComponent)
            secondOpinion = try SecondOpinion(contentsOfFile: path)
        }
        do {
            try validate()
        } catch {
            throw SurveyDefinitionError(file: source, message: error.message)
        }
    }

    /// Reads, decodes and validates the codebook file at `path`.
    ///
    /// - Parameter path: The codebook file, read as UTF-8; it is also the file name in error messages.
    /// - Throws: `SurveyDefinitionError` when the file cannot be read or is not a valid codebook.
    public init(contentsOfFile path: String) throws(SurveyDefinitionError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SurveyDefinitionError(file: path, message: "cannot be read as UTF-8 text: \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: path)
    }

    /// Checks everything a compiler needs: names, references, phrase syntax, source paths.
    ///
    /// - Throws: `SurveyDefinitionError` (file `codebook`) saying where the problem is and what to change.
    public func validate() throws(SurveyDefinitionError) {
        _ = try CodebookCompiler(codebook: self).compile()
    }

    /// The field called `name`, or `nil` when the codebook declares none.
    /// - Parameter name: The field name, compared exactly (case-sensitive).
    /// - Returns: The first field with that name; names are unique in a validated codebook.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    private static func describe(_ error: YamlError) -> String {
        // Yams' description already carries line, column and a caret under the offending spot.
        String(describing: error).replacingOccurrences(of: "\n", with: " ")
    }

    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            let text = CodebookProblem.place(path)
            return text.isEmpty ? "at the top level" : "at \(text)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = place(context.codingPath)
            return "\(at): the key '\(key.stringValue)' is required but missing"
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)): expected \(CodebookProblem.kind(of: type)) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): expected \(CodebookProblem.kind(of: type)) but the value is empty"
        case .dataCorrupted(let context):
            // Yams wraps both syntax errors and errors thrown while decoding.
            if let problem = context.underlyingError as? CodebookProblem { return problem.message }
            if let syntax = context.underlyingError as? YamlError { return "is not valid YAML: \(describe(syntax))" }
            if let nested = context.underlyingError as? DecodingError { return describe(nested) }
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "could not be decoded: \(error)"
        }
    }
}
