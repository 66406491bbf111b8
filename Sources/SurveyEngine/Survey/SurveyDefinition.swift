import Foundation

/// Everything FieldTally needs to know about one survey, loaded once from its folder under
/// `Schemas/` and checked for agreement: the instrument (`instrument.yaml`), the population
/// frame it names, the codebook (`codebook.yaml`) and the tally plan (`tally.yaml`), with the
/// validator and the compiled coder built from them.
public struct SurveyDefinition: Sendable {
    /// The instrument.
    public let instrument: Instrument
    /// The population frame.
    public let frame: Frame
    /// The codebook.
    public let codebook: Codebook
    /// The tally plan.
    public let plan: TallyPlan
    /// The validator for the instrument and frame.
    public let validator: Validator
    /// The coder compiled from the codebook.
    public let coder: Coder
    /// The folder it was loaded from.
    public let directory: String

    /// The file names inside a survey folder.
    public static let instrumentFile = "instrument.yaml", codebookFile = "codebook.yaml"

    /// Loads the survey in `directory` (a folder holding `instrument.yaml`, `codebook.yaml` and
    /// `tally.yaml`), or, when `directory` holds survey folders instead (e.g. `Schemas/`), the
    /// one named `formId`, or the only one there is.
    /// - Parameters:
    ///   - directory: A survey folder (one holding `instrument.yaml`), or a folder of survey folders
    ///     such as `Schemas/`, searched one level deep.
    ///   - formId: The survey to load: the name of its folder inside `directory`, and in every case the
    ///     form id the loaded instrument must declare. Default: `nil`, which takes `directory` itself
    ///     or, failing that, its only survey folder.
    /// - Throws: `SurveyDefinitionError` naming the file that is missing or wrong, or listing
    ///   every disagreement between the three files.
    public init(directory: String, formId: String? = nil) throws(SurveyDefinitionError) {
        let folder = try Self.surveyFolder(in: directory, formId: formId)
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let instrument = try Instrument(contentsOfFile: path(Self.instrumentFile))
        let codebook = try Codebook(contentsOfFile: path(Self.codebookFile))
        let plan = try TallyPlan(contentsOf: URL(fileURLWithPath: path(TallyPlan.fileName)))
        let problems = Self.inconsistencies(instrument: instrument, codebook: codebook, plan: plan)
        guard problems.isEmpty else {
            throw SurveyDefinitionError(file: folder, message: "the survey files disagree:\n- " + problems.joined(separator: "\n- "))
        }
        if let formId, formId != instrument.formId {
            throw SurveyDefinitionError(file: folder, message: "holds form '\(instrument.formId)', not '\(formId)'")
        }
        let frame = try instrument.loadFrame()
        self.instrument = instrument
        self.frame = frame
        self.codebook = codebook
        self.plan = plan
        self.validator = Validator(instrument: instrument, frame: frame)
        self.coder = try Coder(codebook: codebook)
        self.directory = folder
    }

    /// `directory` itself when it holds an instrument, else its sub-folder for `formId` (or its
    /// only survey sub-folder).
    static func surveyFolder(in directory: String, formId: String?) throws(SurveyDefinitionError) -> String {
        let files = FileManager.default
        func holdsInstrument(_ folder: String) -> Bool {
            files.fileExists(atPath: (folder as NSString).appendingPathComponent(instrumentFile))
        }
        if holdsInstrument(directory) { return directory }
        guard let entries = try? files.contentsOfDirectory(atPath: directory) else {
            throw SurveyDefinitionError(
                file: directory,
                message: "cannot list this folder; pass --schemas with the folder holding the survey folders (default Schemas/)"
            )
        }
        let surveys = entries.sorted().map { (directory as NSString).appendingPathComponent($0) }.filter(holdsInstrument)
        if let formId {
            let named = (directory as NSString).appendingPathComponent(formId)
            guard surveys.contains(named) else {
                throw SurveyDefinitionError(
                    file: directory,
                    message:
                        "has no survey folder '\(formId)' with an \(instrumentFile); it has \(surveys.map { ($0 as NSString).lastPathComponent })"
                )
            }
            return named
        }
        guard surveys.count == 1, let only = surveys.first else {
            throw SurveyDefinitionError(
                file: directory,
                message: surveys.isEmpty
                    ? "holds no survey folder with an \(instrumentFile)"
                    : "holds several surveys \(surveys.map { ($0 as NSString).lastPathComponent }); name one with --form"
            )
        }
        return only
    }
}
