import ArgumentParser

/// The submissions a benchmark feeds the engine or the workers: generated, or read from a
/// message file; shared by `engine`, `workers` and `latency`.
struct InputOptions: ParsableArguments {
    @Option(help: "Approximate submission size in bytes.")
    var size = 2_000

    @Option(help: "A key<TAB>value message file to use instead of generated submissions (needs --schemas).")
    var stream: String?

    @Option(help: "The survey folder the --stream messages follow.")
    var schemas: String?

    /// The `--stream` file with its `--schemas`, or `count` generated submissions of about `--size` bytes.
    /// - Throws: `ValidationError` when `--stream` comes without `--schemas`; `BenchError` for an unreadable file.
    func load(generating count: Int) throws -> BenchInput {
        if let stream {
            guard let schemas else { throw ValidationError("--stream needs --schemas, the survey folder its messages follow") }
            return try BenchInput.file(stream, schemas: schemas)
        }
        return try BenchInput.synthetic(count: count, size: size)
    }
}
