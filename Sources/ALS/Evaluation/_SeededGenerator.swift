/// SplitMix64 (Steele, Lea and Flood 2014): the seeded generator behind every split and the
/// random ranker. We implement the generator, the bounded draw and the shuffle ourselves instead
/// of calling `Int.random(in:using:)` or `shuffle(using:)`, so that a seed names the same split on
/// every Swift version (the standard library does not promise its algorithms stay the same).
internal struct _SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The SplitMix64 output function: a bijective mix of 64 bits, also used to hash
    /// `(seed, user, item)` for `RandomRanker`.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform draw from `0 ..< bound` (bound > 0), unbiased: Lemire's multiply-high with
    /// rejection of the short final interval.
    mutating func below(_ bound: Int) -> Int {
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
    mutating func choose<T>(_ count: Int, from a: inout [T]) {
        for i in 0 ..< min(count, a.count) {
            let j = i + below(a.count - i)
            a.swapAt(i, j)
        }
    }
}
