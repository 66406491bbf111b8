import Yams

/// The shape of an instrument YAML file (Schemas/INSTRUMENT.md), decoded strictly: an unknown key or
/// an unknown enum word is an error naming the key, the allowed words and the closest match.
/// `Instrument` turns this into checked public types.
struct InstrumentFile: Decodable {
    var formId: String
    var title: String?
    var versions: [String]
    var referenceDate: String
    var frame: FrameFile
    var limits: LimitsFile?
    var envelope: EnvelopeFile?
    var optionLists: [String: [OptionFile]]
    var unknownAnswers: UnknownMemberPolicy?
    var questions: [QuestionFile]

    static let keys = [
        "form_id", "title", "versions", "reference_date", "frame", "limits", "envelope",
        "option_lists", "unknown_answers", "questions",
    ]

    init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(allowing: Self.keys, in: "the instrument")
        formId = try c.decode(String.self, forKey: "form_id")
        title = try c.decodeIfPresent(String.self, forKey: "title")
        versions = try c.decode([String].self, forKey: "versions")
        referenceDate = try c.decode(String.self, forKey: "reference_date")
        frame = try c.decode(FrameFile.self, forKey: "frame")
        limits = try c.decodeIfPresent(LimitsFile.self, forKey: "limits")
        envelope = try c.decodeIfPresent(EnvelopeFile.self, forKey: "envelope")
        optionLists = try c.decodeIfPresent([String: [OptionFile]].self, forKey: "option_lists") ?? [:]
        unknownAnswers = try c.decodeWord(UnknownMemberPolicy.self, forKey: "unknown_answers")
        questions = try c.decode([QuestionFile].self, forKey: "questions")
    }

    /// The option list names in file order (a YAML mapping's order is lost by `Dictionary`).
    var optionListOrder: [String] = []

    struct FrameFile: Decodable {
        var file: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(allowing: ["file"], in: "frame")
            file = try c.decode(String.self, forKey: "file")
        }
    }

    struct LimitsFile: Decodable {
        var messageBytes: Int?
        var textCharacters: Int?
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(allowing: ["message_bytes", "text_characters"], in: "limits")
            messageBytes = try c.decodeIfPresent(Int.self, forKey: "message_bytes")
            textCharacters = try c.decodeIfPresent(Int.self, forKey: "text_characters")
        }
    }

    struct EnvelopeFile: Decodable {
        static let roles = ["form_id", "form_version", "instance_id", "deprecated_id", "respondent_id", "submitted_at", "answers"]
        var members: [String: EnvelopeMemberFile] = [:]
        var unknownMembers: UnknownMemberPolicy?
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(allowing: Self.roles + ["unknown_members"], in: "envelope")
            unknownMembers = try c.decodeWord(UnknownMemberPolicy.self, forKey: "unknown_members")
            for role in Self.roles {
                members[role] = try c.decodeIfPresent(EnvelopeMemberFile.self, forKey: AnyKey(role))
            }
        }
    }

    struct EnvelopeMemberFile: Decodable {
        var member: String?
        var required: Bool?
        var format: Envelope.Format?
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(allowing: ["member", "required", "format"], in: "an envelope member")
            member = try c.decodeIfPresent(String.self, forKey: "member")
            required = try c.decodeIfPresent(Bool.self, forKey: "required")
            format = try c.decodeWord(Envelope.Format.self, forKey: "format")
        }
    }

    struct OptionFile: Decodable {
        var code: String
        var label: String?
        init(from decoder: any Decoder) throws {
            // An option is `{code, label}` or just its code.
            if let code = try? decoder.singleValueContainer().decode(String.self) {
                self.code = code
                return
            }
            let c = try decoder.strictContainer(allowing: ["code", "label"], in: "an option")
            code = try c.decode(String.self, forKey: "code")
            label = try c.decodeIfPresent(String.self, forKey: "label")
        }
    }

    struct RequiredWhenFile: Decodable {
        var question: String
        var includes: [String]
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(allowing: ["question", "includes"], in: "required_when")
            question = try c.decode(String.self, forKey: "question")
            if let one = try? c.decode(String.self, forKey: "includes") {
                includes = [one]
            } else {
                includes = try c.decode([String].self, forKey: "includes")
            }
        }
    }

    struct QuestionFile: Decodable {
        static let keys = [
            "name", "label", "type", "required", "required_when", "options", "min", "max",
            "min_items", "max_items", "distinct", "max_length", "fields", "sections_for", "unknown_fields",
        ]
        var name: String
        var label: String?
        var type: QuestionType
        var required: Bool?
        var requiredWhen: RequiredWhenFile?
        var options: String?
        var min: Double?
        var max: Double?
        var minItems: Int?
        var maxItems: Int?
        var distinct: Bool?
        var maxLength: Int?
        var fields: [QuestionFile]?
        var sectionsFor: String?
        var unknownFields: UnknownMemberPolicy?
        /// The keys the file sets, to reject one that does not apply to `type`.
        var presentKeys: Set<String>

        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(allowing: Self.keys, in: "a question")
            presentKeys = Set(c.allKeys.map(\.stringValue))
            name = try c.decode(String.self, forKey: "name")
            label = try c.decodeIfPresent(String.self, forKey: "label")
            guard let type = try c.decodeWord(QuestionType.self, forKey: "type") else {
                throw DecodingError.keyNotFound(
                    AnyKey("type"),
                    .init(
                        codingPath: c.codingPath,
                        debugDescription:
                            "question '\(name)' has no type; one of \(QuestionType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                )
            }
            self.type = type
            required = try c.decodeIfPresent(Bool.self, forKey: "required")
            requiredWhen = try c.decodeIfPresent(RequiredWhenFile.self, forKey: "required_when")
            options = try c.decodeIfPresent(String.self, forKey: "options")
            min = try c.decodeIfPresent(Double.self, forKey: "min")
            max = try c.decodeIfPresent(Double.self, forKey: "max")
            minItems = try c.decodeIfPresent(Int.self, forKey: "min_items")
            maxItems = try c.decodeIfPresent(Int.self, forKey: "max_items")
            distinct = try c.decodeIfPresent(Bool.self, forKey: "distinct")
            maxLength = try c.decodeIfPresent(Int.self, forKey: "max_length")
            fields = try c.decodeIfPresent([QuestionFile].self, forKey: "fields")
            sectionsFor = try c.decodeIfPresent(String.self, forKey: "sections_for")
            unknownFields = try c.decodeWord(UnknownMemberPolicy.self, forKey: "unknown_fields")
        }
    }

    /// Decodes `yaml`, keeping the order of `option_lists` as written.
    static func decode(_ yaml: String) throws -> InstrumentFile {
        var file = try YAMLDecoder().decode(InstrumentFile.self, from: yaml)
        if let root = try Yams.compose(yaml: yaml), let lists = root.mapping?["option_lists"]?.mapping {
            file.optionListOrder = lists.keys.compactMap(\.string)
        }
        return file
    }
}

/// Any mapping key, for strict decoding.
struct AnyKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init(stringLiteral value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// A keyed container that rejects any key not in `allowed`, suggesting the closest allowed key.
    func strictContainer(allowing allowed: [String], in what: String) throws -> KeyedDecodingContainer<AnyKey> {
        let c = try container(keyedBy: AnyKey.self)
        for key in c.allKeys where !allowed.contains(key.stringValue) {
            var message = "unknown key '\(key.stringValue)' in \(what)"
            if let near = Spelling.closest(to: key.stringValue, in: allowed) { message += "; did you mean '\(near)'?" }
            message += " Allowed keys: \(allowed.joined(separator: ", "))."
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: message))
        }
        return c
    }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// Decodes an optional word that must be the raw value of one of `T`'s cases.
    func decodeWord<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: AnyKey) throws -> T? where T.RawValue == String {
        guard let word = try decodeIfPresent(String.self, forKey: key) else { return nil }
        if let value = T(rawValue: word) { return value }
        let words = T.allCases.map(\.rawValue)
        var message = "'\(word)' is not a valid \(key.stringValue)"
        if let near = Spelling.closest(to: word, in: words) { message += "; did you mean '\(near)'?" }
        message += " Valid: \(words.joined(separator: ", "))."
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: message))
    }
}
