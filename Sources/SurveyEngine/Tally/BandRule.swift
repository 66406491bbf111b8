/// A derived band: the earliest number found at `path`, measured as whole years before the
/// plan's reference year, placed in the first band whose range holds it; `missing` when no
/// number is found or no band holds it (e.g. a year after the reference year).
public struct BandRule: Sendable, Hashable {
    /// One band: `minYears...maxYears` (no upper end when `maxYears` is `nil`).
    public struct Band: Sendable, Hashable {
        /// The code, e.g. `5_to_10`.
        public var code: String
        /// Smallest number of years in the band.
        public var minYears: Int
        /// Largest number of years in the band, or `nil` for no upper end.
        public var maxYears: Int?

        /// Creates a band.
        ///
        /// - Parameters:
        ///   - code: The band's code, e.g. `5_to_10`.
        ///   - minYears: Smallest whole number of years in the band, inclusive.
        ///   - maxYears: Largest whole number of years, inclusive, or nil for no upper end. Default: nil.
        public init(code: String, minYears: Int, maxYears: Int? = nil) {
            self.code = code
            self.minYears = minYears
            self.maxYears = maxYears
        }

        /// Whether `years` lies in this band.
        ///
        /// - Parameter years: Whole years before the reference year; negative for a year after it.
        public func contains(_ years: Int) -> Bool { years >= minYears && (maxYears.map { years <= $0 } ?? true) }
    }

    /// Where the years are read, e.g. `answers.approaches.*.introduced_year`.
    public var path: TallyPath
    /// The bands in document order.
    public var bands: [Band]
    /// The code for respondents without a number (or outside every band).
    public var missing: String

    /// Creates a rule.
    ///
    /// - Parameters:
    ///   - path: Where the years are read; a `*` step reads every member, and the earliest number counts.
    ///   - bands: The bands in document order; the plan rejects overlapping bands.
    ///   - missing: The code for respondents without a number or outside every band.
    public init(path: TallyPath, bands: [Band], missing: String) {
        self.path = path
        self.bands = bands
        self.missing = missing
    }

    /// The band code for `submission` measured against `referenceYear`.
    ///
    /// - Parameters:
    ///   - submission: The head version; non-numeric and non-finite values at `path` are ignored.
    ///   - referenceYear: The plan's reference year; the earliest year, rounded down, is subtracted from it.
    /// - Returns: The first band holding the age in years, or `missing`.
    public func code(for submission: Submission, referenceYear: Int) -> String {
        var earliest: Double?
        path.forEachValue(in: submission) { value in
            guard case .number(let year) = value, year.isFinite else { return }
            earliest = Swift.min(earliest ?? year, year)
        }
        guard let earliest else { return missing }
        let age = referenceYear - Int(earliest.rounded(.down))
        return bands.first { $0.contains(age) }?.code ?? missing
    }

    func check(field: String, source: String) throws(SurveyDefinitionError) {
        guard !bands.isEmpty else { throw SurveyDefinitionError(file: source, message: "the band field '\(field)' lists no bands") }
        for band in bands {
            if let max = band.maxYears, max < band.minYears {
                throw SurveyDefinitionError(
                    file: source,
                    message: "the band '\(band.code)' of '\(field)' has max_years \(max) below min_years \(band.minYears)"
                )
            }
        }
        for (i, a) in bands.enumerated() {
            for b in bands[(i + 1)...] {
                let aMax = a.maxYears ?? Int.max
                let bMax = b.maxYears ?? Int.max
                if a.minYears <= bMax && b.minYears <= aMax {
                    throw SurveyDefinitionError(
                        file: source,
                        message: "the bands '\(a.code)' and '\(b.code)' of '\(field)' overlap; a number of years must fall in one band only"
                    )
                }
            }
        }
    }
}
