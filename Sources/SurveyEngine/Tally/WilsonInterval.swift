/// A Wilson score interval for a proportion, in percent (0–100).
public struct WilsonInterval: Sendable, Hashable {
    /// The z value of a two-sided 95% interval: the normal distribution's 97.5% quantile,
    /// 1.959964 to six decimals, here at full double precision (as the sample's reference
    /// computation uses it; the rounded value moves interval bounds by about 1e-7 points).
    public static let z95 = 1.959963984540054

    /// Lower bound, percent.
    public var lower: Double
    /// Upper bound, percent.
    public var upper: Double

    /// Wraps known bounds.
    ///
    /// - Parameters:
    ///   - lower: Lower bound in percent, 0–100.
    ///   - upper: Upper bound in percent, 0–100, at least `lower`.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The interval for `count` successes out of `base`, or `nil` when `base` is 0 (no
    /// respondents: no proportion to estimate).
    ///
    /// Bounds are clamped to 0–100 and unrounded.
    ///
    /// - Parameters:
    ///   - count: Respondents with the property, 0...`base`.
    ///   - base: Respondents asked; 0 or less gives nil.
    ///   - z: the normal quantile; default `z95`.
    public init?(count: Int, base: Int, z: Double = WilsonInterval.z95) {
        guard base > 0 else { return nil }
        let n = Double(base)
        let p = Double(count) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        self.init(lower: Swift.max(0, centre - half) * 100, upper: Swift.min(1, centre + half) * 100)
    }
}
