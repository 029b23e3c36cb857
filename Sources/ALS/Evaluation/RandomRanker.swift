/// Recommends at random: each (user, item) gets a score hashed from `(seed, user, item)`, so a
/// seed gives the same lists whatever order or thread users are scored on.
@_spi(Engine) public struct RandomRanker: ItemScorer {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Scores uniform in [0, 1) on a grid of 2⁻²⁴.
    public func scoreItems(user: Int, into scores: inout [Float]) {
        let userHash = _SplitMix64.mix(seed ^ _SplitMix64.mix(UInt64(truncatingIfNeeded: user)))
        for i in scores.indices {
            let h = _SplitMix64.mix(userHash &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
            scores[i] = Float(h >> 40) / 16_777_216
        }
    }
}
