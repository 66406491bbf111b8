import Foundation

/// Loading an instrument and its frame from files under `Schemas/`.
extension Instrument {
    /// Loads the instrument file at `path`; `frameFile` is then resolved against its folder.
    ///
    /// - Parameter path: The instrument file's path (UTF-8 YAML); also the `source` named in error messages.
    /// - Throws: `SurveyDefinitionError` when the file cannot be read, and as `init(yaml:source:)`.
    public init(contentsOfFile path: String) throws(SurveyDefinitionError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SurveyDefinitionError(file: path, message: "cannot read the instrument file: \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: path)
        directory = (path as NSString).deletingLastPathComponent
    }

    /// The path of the frame CSV: `frameFile` resolved against `directory` (or `folder` when given).
    ///
    /// - Parameter folder: The folder a relative `frameFile` is resolved against. Default: nil, meaning ``directory``.
    /// - Returns: `frameFile` itself when it is absolute or there is no folder to resolve against (an instrument
    ///   loaded from text); otherwise `folder/frameFile`. The file's existence is not checked.
    public func framePath(relativeTo folder: String? = nil) -> String {
        DefinitionFile.path(frameFile, relativeTo: folder ?? directory)
    }

    /// Loads the population frame the instrument names.
    /// - Parameter folder: the folder `frameFile` is relative to. Default: `directory`, the instrument file's folder.
    /// - Throws: `SurveyDefinitionError` when the CSV cannot be read or lacks `respondent_id`/`region`.
    public func loadFrame(relativeTo folder: String? = nil) throws(SurveyDefinitionError) -> Frame {
        let path = framePath(relativeTo: folder)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SurveyDefinitionError(file: path, message: "cannot read the frame named by \(source): \(error.localizedDescription)")
        }
        return try Frame(csv: text, source: path)
    }
}
