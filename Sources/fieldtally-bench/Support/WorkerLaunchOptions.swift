import ArgumentParser

/// Which worker executables a benchmark starts and with what extra flags; shared by `workers`
/// and `latency`.
struct WorkerLaunchOptions: ParsableArguments {
    @Option(name: .customLong("bin-dir"), help: "Folder of the worker executables (default: beside this one; build with swift build -c release).")
    var binDir: String?

    @Option(
        name: .customLong("worker-flag"),
        parsing: .unconditionalSingleValue,
        help: "An extra flag for every worker, e.g. --worker-flag=--max-batch=5000 (repeatable)."
    )
    var workerFlags: [String] = []
}
