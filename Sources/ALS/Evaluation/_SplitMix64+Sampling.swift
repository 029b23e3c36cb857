/// The sampling that splits and the random ranker need, on the trainer's seeded generator
/// (`_SplitMix64`, Steele, Lea and Flood 2014). We implement the bounded draw and the shuffle
/// ourselves instead of calling `Int.random(in:using:)` or `shuffle(using:)`, so that a seed names
/// the same split on every Swift version (the standard library does not promise its algorithms
/// stay the same).
extension _SplitMix64 {
    /// The SplitMix64 output function, a bijective mix of 64 bits, used to hash
    /// `(seed, user, item)` for `RandomRanker`: `mix(x)` is the first draw of a generator whose
    /// state is one increment short of `x`, so the constants live only in `next()`.
    public static func mix(_ x: UInt64) -> UInt64 {
        var g = _SplitMix64(seed: x &- 0x9E37_79B9_7F4A_7C15)
        return g.next()
    }

    /// A uniform draw from `0 ..< bound` (bound > 0), unbiased: Lemire's multiply-high with
    /// rejection of the short final interval.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        let threshold = (0 &- n) % n
        while true {
            let (high, low) = next().multipliedFullWidth(by: n)
            if low >= threshold { return Int(high) }
        }
    }

    /// Moves a uniformly random choice of `count` elements of `a` to its front (a partial
    /// Fisher–Yates shuffle); the front is itself in random order.
    public mutating func choose<T>(_ count: Int, from a: inout [T]) {
        for i in 0 ..< min(count, a.count) {
            let j = i + below(a.count - i)
            a.swapAt(i, j)
        }
    }

    /// A uniform draw in [0, 1) (the top 53 bits).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
