import Foundation

/// Files a survey definition names (the instrument's frame, the codebook's second opinion), which
/// are relative to the folder of the file that names them.
enum DefinitionFile {
    /// The path of `file` as named in a definition file read from `folder`.
    ///
    /// - Parameters:
    ///   - file: The name as written; an absolute path stays as it is.
    ///   - folder: The folder of the file that names it; `nil` or empty leaves `file` as it is
    ///     (resolved against the working directory).
    /// - Returns: `file`, or `folder/file`. Whether it exists is not checked.
    static func path(_ file: String, relativeTo folder: String?) -> String {
        guard !file.hasPrefix("/"), let folder, !folder.isEmpty else { return file }
        return (folder as NSString).appendingPathComponent(file)
    }
}
