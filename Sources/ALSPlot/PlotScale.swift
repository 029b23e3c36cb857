@_spi(Engine) import ALS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps data values on one axis to pixels, linearly or by log10, and picks "nice" ticks
/// (1, 2 or 5 times a power of ten, as Heckbert's "Nice numbers for graph labels", Graphics
/// Gems 1990) that cover the data.
public struct PlotScale: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case linear, log10 }

    public let kind: Kind
    /// The data range shown, widened to whole ticks.
    public let lower: Double
    public let upper: Double
    /// Tick values, ascending, all within `lower ... upper`.
    public let ticks: [Double]

    /// A scale covering `values` (finite ones; positive ones for log10) with about `tickCount`
    /// ticks. A constant or empty input gets a unit-wide range around it.
    public init(covering values: [Double], kind: Kind = .linear, tickCount: Int = 5) {
        self.kind = kind
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        var lo = usable.min() ?? 0, hi = usable.max() ?? 1
        switch kind {
        case .linear:
            if lo == hi { lo -= 0.5; hi += 0.5 }
            let step = Self.niceStep((hi - lo) / Double(max(1, tickCount - 1)))
            let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
            lower = first * step
            upper = last * step
            ticks = stride(from: first, through: last, by: 1).map { Self.clean($0 * step, step: step) }
        case .log10:
            var a = log10(lo).rounded(.down), b = log10(hi).rounded(.up)
            if a == b { b += 1 }
            let every = max(1, ((b - a) / Double(max(1, tickCount - 1))).rounded(.up))
            a = (a / every).rounded(.down) * every
            lower = pow(10, a)
            upper = pow(10, b)
            ticks = stride(from: a, through: b, by: every).map { pow(10, $0) }
        }
    }

    /// The position of `v` in `0 ... 1` (0 at `lower`).
    public func fraction(_ v: Double) -> Double {
        switch kind {
        case .linear: return (v - lower) / (upper - lower)
        case .log10: return (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// `v` mapped into the pixel interval from `start` (at `lower`) to `end` (at `upper`).
    public func map(_ v: Double, from start: Double, to end: Double) -> Double {
        start + (end - start) * fraction(v)
    }

    /// The label of tick `v`: as few digits as the tick spacing needs, thousands as k and M.
    public func label(_ v: Double) -> String {
        if kind == .log10 || abs(v) >= 1000 { return Self.compact(v) }
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, min(6, Int((-log10(step) - 1e-9).rounded(.up))))
        return Self.fixed(v, decimals: decimals)
    }

    /// 1, 2 or 5 times a power of ten, the smallest at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let p = pow(10, log10(raw).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * p >= raw * (1 - 1e-9) { return m * p }
        return 10 * p
    }

    /// `v` rounded to the step's grid, so 0.1 · 3 prints as 0.3.
    static func clean(_ v: Double, step: Double) -> Double {
        let digits = pow(10, max(0, -log10(step).rounded(.down) + 1))
        return (v * digits).rounded() / digits
    }

    static func compact(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return trimmed(v / 1e9) + "G" }
        if a >= 1e6 { return trimmed(v / 1e6) + "M" }
        if a >= 1e3 { return trimmed(v / 1e3) + "k" }
        if a >= 1 || a == 0 { return trimmed(v) }
        return fixed(v, decimals: max(0, min(9, Int(-log10(a).rounded(.down)) + 1)))
    }

    private static func trimmed(_ v: Double) -> String {
        var s = fixed(v, decimals: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// `v` with exactly `decimals` decimals.
    static func fixed(_ v: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let c = (abs(v) * scale).rounded()
        let whole = (c / scale).rounded(.down)
        let sign = v < 0 && c != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(Int64(whole)) }
        let fraction = String(Int64(c - whole * scale))
        return sign + String(Int64(whole)) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
