/// A survey instrument: what a submission of one form must look like, loaded from a YAML file
/// under `Schemas/` (format: Schemas/INSTRUMENT.md). Nothing about a particular survey lives in Swift.
///
/// Build it once (`init(yaml:source:)` or `init(contentsOfFile:)`), then hand it to a `Validator`;
/// the aggregator reads option order (`optionList(forQuestion:)`) and the reference date from it.
public struct Instrument: Sendable, Hashable {
    /// The form id submissions carry in `form_id`, e.g. `wwc-csc-2018`.
    public var formId: String
    /// A human title; `nil` when the file gives none.
    public var title: String?
    /// The form versions submissions may carry in `form_version`, in file order, e.g. `["2018.1"]`.
    public var versions: [String]
    /// The survey's reference date (e.g. 2018-06-30), the "now" of derived values such as years established.
    public var referenceDate: CalendarDate
    /// The population frame CSV, relative to the instrument file's folder (e.g. `frame.csv`).
    public var frameFile: String
    /// Size caps.
    public var limits: InstrumentLimits
    /// Names and rules of the envelope members.
    public var envelope: Envelope
    /// The option lists in file order.
    public var optionLists: [OptionList]
    /// What to do with a member of `answers` that no question declares.
    public var unknownAnswers: UnknownMemberPolicy
    /// The questions (members of `answers`) in file order.
    public var questions: [Question]
    /// Where the definition came from, for error messages (a path or a name).
    public var source: String
    /// The folder `frameFile` is relative to; set by `init(contentsOfFile:)`, `nil` for text loaded otherwise.
    public var directory: String?

    /// Builds and checks an instrument from its parts; `optionLists` and `questions` keep their order.
    ///
    /// - Parameters:
    ///   - formId: The form id submissions carry in `form_id`.
    ///   - title: A human title. Default: nil.
    ///   - versions: The form versions submissions may carry, e.g. `["2018.1"]`.
    ///   - referenceDate: The survey's "now" for derived values such as years established.
    ///   - frameFile: The population frame CSV, relative to the instrument file's folder.
    ///   - limits: Size caps. Default: 1 MiB per message, 20,000 characters per text.
    ///   - envelope: Envelope member names and rules. Default: the standard names, all required except `deprecated_id`.
    ///   - optionLists: The option lists; a list's order is the order tallies show its codes in.
    ///   - unknownAnswers: What to do with a member of `answers` no question declares. Default: `.reject`.
    ///   - questions: The top-level questions, in file order.
    ///   - source: A name for error messages. Default: `instrument`.
    /// - Throws: `SurveyDefinitionError` naming `source` and the first inconsistency found, e.g. a
    ///   question that refers to an undeclared option list, or `min_items` above `max_items`.
    public init(
        formId: String,
        title: String? = nil,
        versions: [String],
        referenceDate: CalendarDate,
        frameFile: String,
        limits: InstrumentLimits = InstrumentLimits(),
        envelope: Envelope = Envelope(),
        optionLists: [OptionList],
        unknownAnswers: UnknownMemberPolicy = .reject,
        questions: [Question],
        source: String = "instrument"
    ) throws(SurveyDefinitionError) {
        self.formId = formId
        self.title = title
        self.versions = versions
        self.referenceDate = referenceDate
        self.frameFile = frameFile
        self.limits = limits
        self.envelope = envelope
        self.optionLists = optionLists
        self.unknownAnswers = unknownAnswers
        self.questions = questions
        self.source = source
        try check()
    }

    /// Loads an instrument from YAML text.
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - source: a name for error messages, e.g. the file path. Default: `instrument.yaml`.
    /// - Throws: `SurveyDefinitionError` for YAML syntax errors (with line and column), unknown or
    ///   misspelt keys and words (with a suggestion), missing keys, wrong value types (with the path
    ///   such as `questions[2].fields[1].min`), and inconsistencies (see `init(formId:…)`).
    public init(yaml: String, source: String = "instrument.yaml") throws(SurveyDefinitionError) {
        let file: InstrumentFile
        do {
            file = try InstrumentFile.decode(yaml)
        } catch {
            throw SurveyDefinitionError(file: source, message: Instrument.explain(error))
        }
        guard let referenceDate = CalendarDate(file.referenceDate) else {
            throw SurveyDefinitionError(file: source, message: "reference_date '\(file.referenceDate)' is not a date in the form YYYY-MM-DD")
        }
        var limits = InstrumentLimits()
        if let value = file.limits?.messageBytes { limits.messageBytes = value }
        if let value = file.limits?.textCharacters { limits.textCharacters = value }
        var envelope = Envelope()
        if let spec = file.envelope {
            func apply(_ role: String, _ member: inout Envelope.Member) {
                guard let given = spec.members[role] else { return }
                if let name = given.member { member.member = name }
                if let required = given.required { member.required = required }
                if let format = given.format { member.format = format }
            }
            apply("form_id", &envelope.formId)
            apply("form_version", &envelope.formVersion)
            apply("instance_id", &envelope.instanceId)
            apply("deprecated_id", &envelope.deprecatedId)
            apply("respondent_id", &envelope.respondentId)
            apply("submitted_at", &envelope.submittedAt)
            apply("answers", &envelope.answers)
            if let policy = spec.unknownMembers { envelope.unknownMembers = policy }
        }
        let order = file.optionListOrder.isEmpty ? file.optionLists.keys.sorted() : file.optionListOrder
        let lists = order.compactMap { name in
            file.optionLists[name].map { OptionList(name: name, options: $0.map { OptionList.Option(code: $0.code, label: $0.label) }) }
        }
        var questions: [Question] = []
        for (n, q) in file.questions.enumerated() {
            questions.append(try Instrument.question(from: q, path: "questions[\(n)]", source: source))
        }
        try self.init(
            formId: file.formId,
            title: file.title,
            versions: file.versions,
            referenceDate: referenceDate,
            frameFile: file.frame.file,
            limits: limits,
            envelope: envelope,
            optionLists: lists,
            unknownAnswers: file.unknownAnswers ?? .reject,
            questions: questions,
            source: source
        )
    }

    /// The option list named `name`, or `nil`.
    ///
    /// - Parameter name: The list's name in the instrument file, e.g. `approach`; compared exactly.
    public func optionList(named name: String) -> OptionList? {
        optionLists.first { $0.name == name }
    }

    /// The top-level question named `name`, or `nil`.
    ///
    /// - Parameter name: The question's member name in `answers`, e.g. `top_approaches`; fields of sections are not
    ///   searched (use ``Question/field(named:)``).
    public func question(named name: String) -> Question? {
        questions.first { $0.name == name }
    }

    /// The option list of the top-level question `name` (e.g. `top_approaches` → the `approach`
    /// list, in file order), or `nil` when there is no such question or it has no options.
    ///
    /// - Parameter name: The top-level question's member name.
    public func optionList(forQuestion name: String) -> OptionList? {
        question(named: name)?.options.flatMap(optionList(named:))
    }

    /// Whether `version` is one of `versions`.
    ///
    /// - Parameter version: A `form_version` value, compared exactly (`2018.1` is not `2018.01`).
    public func declares(version: String) -> Bool { versions.contains(version) }
}
