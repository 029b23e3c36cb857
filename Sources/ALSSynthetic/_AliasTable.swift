@_spi(Engine) import ALS
/// Walker's alias method (Vose's construction): after O(n) set-up, draws index i with
/// probability `weights[i] / Σ weights` in O(1) from one 64-bit random number.
struct _AliasTable: Sendable {
    /// Probability of keeping slot i rather than taking `alias[i]`, scaled to 2³².
    private let keep: [UInt32]
    private let alias: [Int32]

    /// Precondition: weights are finite, non-negative, and not all zero.
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var keep = [UInt32](repeating: UInt32.max, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int] = [], large: [Int] = []
        for i in 0 ..< n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while !small.isEmpty, let l = large.last {
            let s = small.removeLast()
            keep[s] = UInt32(min(scaled[s] * 4_294_967_296, 4_294_967_295))
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // What is left has probability 1 up to rounding.
        for i in small + large { keep[i] = UInt32.max; alias[i] = Int32(i) }
        self.keep = keep
        self.alias = alias
    }

    var count: Int { keep.count }

    /// One draw from 64 random bits: the high half picks the slot (by multiply-shift, no
    /// modulo bias worth speaking of), the low half decides between the slot and its alias.
    @inline(__always)
    func draw(_ bits: UInt64) -> Int {
        let slot = Int(((bits >> 32) &* UInt64(keep.count)) >> 32)
        return UInt32(truncatingIfNeeded: bits) < keep[slot] ? slot : Int(alias[slot])
    }
}
