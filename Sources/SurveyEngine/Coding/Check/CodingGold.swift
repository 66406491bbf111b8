/// Human codes for a stream of submissions (the `gold-codes.json` format of
/// `Schemas/<survey>/sample/`), joined with each coded respondent's answers from the stream.
///
/// The answers are those of the first message in the stream that carries the gold `instance_id`
/// (a later message with the same instance id is a re-send or a rejected conflict).
public struct CodingGold: Sendable {
    /// The gold coding of one respondent.
    public struct Respondent: Sendable {
        /// The respondent id (ONS code).
        public var respondentID: String
        /// The coded version's `answers` object.
        public var answers: JSONValue
        /// Respondent-level codes per answered field (the union over the field's sources).
        public var codes: [String: Set<String>]
        /// Per source path as the gold writes it (`approaches.whole_system.description`): codes per field.
        public var sources: [String: [String: Set<String>]]
        /// The respondent's top-level numbers (`duration_weeks`; `null` members are absent).
        public var numbers: [String: Double]

        /// The coded fields this respondent answered.
        public var answeredFields: Set<String> { Set(codes.keys) }
    }

    /// A gold file or stream that cannot be used: what is wrong.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    /// Respondents sorted by id.
    public var respondents: [Respondent]

    /// Joins a gold file with a message stream.
    ///
    /// - Parameters:
    ///   - gold: the bytes of a `gold-codes.json` file.
    ///   - stream: the bytes of the message file (`key<TAB>value` lines or JSON lines).
    /// - Throws: ``LoadError`` when the gold is not JSON, has no `respondents` object, or names an
    ///   instance the stream does not contain.
    public init(gold: [UInt8], stream: [UInt8]) throws(LoadError) {
        let document: JSONValue
        do {
            document = try JSONParser().parse(gold)
        } catch {
            throw LoadError(description: "the gold file is not JSON: \(error)")
        }
        guard let people = document["respondents"]?.objectValue else {
            throw LoadError(description: "the gold file has no 'respondents' object")
        }
        var answersByInstance: [String: JSONValue] = [:]
        let parser = JSONParser()
        for message in KeyedMessageFile.parse(stream) {
            guard let value = try? parser.parse(message.value), let instance = value["instance_id"]?.stringValue,
                answersByInstance[instance] == nil, let answers = value["answers"]
            else { continue }
            answersByInstance[instance] = answers
        }
        var respondents: [Respondent] = []
        for (id, person) in people {
            guard let instance = person["instance_id"]?.stringValue else {
                throw LoadError(description: "respondent \(id) has no instance_id")
            }
            guard let answers = answersByInstance[instance] else {
                throw LoadError(description: "the stream has no message with instance_id \(instance) (respondent \(id))")
            }
            var sources: [String: [String: Set<String>]] = [:]
            for (path, entry) in person["coded_fields"]?.objectValue ?? JSONObject() {
                var fields: [String: Set<String>] = [:]
                for (key, item) in entry.objectValue ?? JSONObject() {
                    guard let list = item.arrayValue, key != "negated" else { continue }
                    fields[key] = Set(list.compactMap(\.stringValue))
                }
                sources[path] = fields
            }
            var codes: [String: Set<String>] = [:]
            for field in Set(sources.values.flatMap(\.keys)) {
                codes[field] = Set(person["codes"]?[field]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
            var numbers: [String: Double] = [:]
            for (key, value) in person.objectValue ?? JSONObject() {
                if let number = value.numberValue { numbers[key] = number }
            }
            respondents.append(Respondent(respondentID: id, answers: answers, codes: codes, sources: sources, numbers: numbers))
        }
        self.respondents = respondents.sorted { $0.respondentID < $1.respondentID }
    }
}
