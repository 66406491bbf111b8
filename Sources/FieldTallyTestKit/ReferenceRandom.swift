/// A seeded random number generator (SplitMix64) for property tests: the same seed gives the
/// same stream on every machine, so a failing seed can be replayed.
public struct ReferenceRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator started from `seed`.
    ///
    /// - Parameter seed: Any value, 0 included; equal seeds give equal streams.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    ///
    /// - Parameter p: The probability; 0 or less is never true, 1 or more always true.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}
