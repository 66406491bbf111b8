/// The sample could not be loaded: what is missing.
public struct TallySampleError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    ///
    /// - Parameter description: What is missing or wrong, naming the file.
    public init(_ description: String) { self.description = description }
}
