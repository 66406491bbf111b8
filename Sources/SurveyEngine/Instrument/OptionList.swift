/// A named, ordered list of answer options (e.g. `approach`), shared by the questions that use it.
///
/// Order is the order of the instrument file: tallies list codes in this order.
public struct OptionList: Sendable, Hashable {
    /// One answer option: a stable machine code and the wording respondents saw.
    public struct Option: Sendable, Hashable {
        /// The stable code stored in submissions, e.g. `whole_system`.
        public var code: String
        /// The wording shown to respondents, e.g. `Whole system approach (practice model)`; `nil` when the file gives none.
        public var label: String?

        /// Creates an option.
        ///
        /// - Parameters:
        ///   - code: The stable code stored in submissions and shown in tallies, e.g. `whole_system`.
        ///   - label: The wording shown to respondents. Default: nil.
        public init(code: String, label: String? = nil) {
            self.code = code
            self.label = label
        }
    }

    /// The list's name in the instrument file, e.g. `approach`.
    public var name: String
    /// The options in file order.
    public var options: [Option]
    private var positions: [String: Int]

    /// Creates a list; codes should be unique (the instrument loader rejects repeats).
    ///
    /// - Parameters:
    ///   - name: The list's name, as questions refer to it.
    ///   - options: The options in the order tallies list them; a repeated code is found at its first position.
    public init(name: String, options: [Option]) {
        self.name = name
        self.options = options
        self.positions = Dictionary(options.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The codes in file order.
    public var codes: [String] { options.map(\.code) }

    /// Whether `code` is one of the list's codes.
    ///
    /// - Parameter code: A code from a submission, compared exactly (case-sensitive); found without a linear scan.
    public func contains(_ code: String) -> Bool { positions[code] != nil }

    /// The zero-based position of `code` in the list, or `nil` when it is not a code of the list.
    ///
    /// - Parameter code: A code, compared exactly.
    public func position(of code: String) -> Int? { positions[code] }
}
