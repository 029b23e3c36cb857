#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The weight formulas of the weighted objective, for the companion targets and tests to check.
@_spi(Engine) public enum ALSWeights {
    /// WALS item-popularity confidence of an item with `count` observations:
    /// linear `w0 + wk / c_n`, exponential `w0 + c_n^(−e)`. An item with no observations gets
    /// the weight of count 1 (it has no entries, so the value is never used in training).
    public static func wals(count: Int, _ weighting: ALSConfiguration.WALSWeighting) -> Float {
        let n = Float(max(count, 1))
        switch weighting {
        case let .linear(w0, wk): return w0 + wk / n
        case let .exponential(w0, e): return w0 + Float.pow(n, -e)
        }
    }

    /// eALS popularity-weighted missing data: `w_i = total · c_i^β / Σ_j c_j^β`.
    /// With β = 0 and total = number of items every w_i is 1 (Hu et al.'s uniform weight).
    public static func missingWeights(counts: [Int], exponent beta: Float, total: Float?) -> [Float] {
        let total = total ?? Float(counts.count)
        let powered = counts.map { Double(Float.pow(Float(max($0, 0)), beta)) }
        let sum = powered.reduce(0, +)
        guard sum > 0 else { return [Float](repeating: 0, count: counts.count) }
        return powered.map { Float(Double(total) * $0 / sum) }
    }

    /// Frequency-scaled regularisation multiplier `(n + α₀·N)^ν` (Rendle et al., 2022): the
    /// effective λ of a row with n observations is λ times this. ν = 0 gives 1 (plain λ).
    /// A row with no observations and α₀ = 0 would get 0, leaving explicit mode a zero system
    /// to solve; it gets 1 instead (plain λ), which changes nothing else: with no observations
    /// the right-hand side is zero, so the row solves to zero under any positive λ.
    public static func regularizationScale(count n: Int, universe N: Int, alpha0: Float, exponent nu: Float) -> Float {
        if nu == 0 { return 1 }
        let base = Float(n) + alpha0 * Float(N)
        return base > 0 ? Float.pow(base, nu) : 1
    }
}

extension Float {
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}
