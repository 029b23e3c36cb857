@_spi(Engine) import ALS
/// A grid of hyperparameter values: the Cartesian product of one list of values per parameter,
/// applied on top of a base `ALSConfiguration`. Axes keep the order they were given in; the
/// first axis varies slowest.
public struct HyperparameterGrid: Sendable, Equatable {
    /// A tunable field of `ALSConfiguration`, named as its command-line flag.
    public enum Parameter: String, Sendable, CaseIterable, Codable {
        case factors
        case regularization
        case alpha
        case iterations
        case biasRegularization = "bias-regularization"
        case confidenceEpsilon = "confidence-epsilon"
        case cgSteps = "cg-steps"
        case walsW0 = "wals-w0"
        case walsWk = "wals-wk"
        case walsExponent = "wals-exponent"
        case missingWeightExponent = "missing-weight-exponent"
        case regularizationExponent = "regularization-exponent"
        case regularizationAlpha0 = "regularization-alpha0"

        /// True for the parameters that take whole numbers.
        public var isInteger: Bool { self == .factors || self == .iterations || self == .cgSteps }

        /// Sets this parameter of `c` to `value`. The WALS weights keep the other weight of the
        /// current weighting; `wals-exponent` makes it exponential and `wals-wk` linear.
        public func apply(_ value: Double, to c: inout ALSConfiguration) {
            let f = Float(value)
            switch self {
            case .factors: c.factors = Int(value)
            case .regularization: c.regularization = f
            case .alpha: c.alpha = f
            case .iterations: c.iterations = Int(value)
            case .biasRegularization: c.biasRegularization = f
            case .confidenceEpsilon: c.confidenceEpsilon = f
            case .cgSteps: c.cgSteps = Int(value)
            case .missingWeightExponent: c.missingWeightExponent = f
            case .regularizationExponent: c.regularizationExponent = f
            case .regularizationAlpha0: c.regularizationAlpha0 = f
            case .walsW0, .walsWk, .walsExponent:
                var (w0, wk, e, exponential): (Float, Float, Float, Bool)
                switch c.walsWeighting {
                case let .linear(a, b): (w0, wk, e, exponential) = (a, b, 0.5, false)
                case let .exponential(a, b): (w0, wk, e, exponential) = (a, 0, b, true)
                }
                switch self {
                case .walsW0: w0 = f
                case .walsWk: wk = f; exponential = false
                default: e = f; exponential = true
                }
                c.walsWeighting = exponential ? .exponential(w0: w0, e: e) : .linear(w0: w0, wk: wk)
            }
        }
    }

    /// One axis: a parameter and its values, in order.
    public struct Axis: Sendable, Equatable {
        public var parameter: Parameter
        public var values: [Double]

        public init(_ parameter: Parameter, _ values: [Double]) {
            self.parameter = parameter
            self.values = values
        }
    }

    /// One grid point: a value per axis, in axis order.
    public typealias Point = [(parameter: Parameter, value: Double)]

    public var axes: [Axis]

    public init(_ axes: [Axis] = []) { self.axes = axes }

    /// Parses `name=v1,v2,...` (one axis of a `--grid` flag). Integer parameters need whole numbers.
    public static func axis(parsing text: String) throws -> Axis {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        func bad(_ reason: String) -> ALSError { .invalidConfiguration(parameter: "grid", reason: reason) }
        guard parts.count == 2, let p = Parameter(rawValue: parts[0].trimmingWhitespace()) else {
            throw bad("'\(text)' is not name=v1,v2,…; the names are \(Parameter.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let values = try parts[1].split(separator: ",").map { field -> Double in
            let s = String(field).trimmingWhitespace()
            guard let v = Double(s), v.isFinite else { throw bad("\(p.rawValue): '\(s)' is not a number") }
            if p.isInteger, v != v.rounded() { throw bad("\(p.rawValue) takes whole numbers, got \(s)") }
            return v
        }
        guard !values.isEmpty else { throw bad("\(p.rawValue) has no values; give at least one, as \(p.rawValue)=1,10") }
        return Axis(p, values)
    }

    /// Number of grid points (1 for an empty grid: the base configuration alone).
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Every point, first axis slowest.
    public var points: [Point] {
        var result: [Point] = [[]]
        for axis in axes {
            result = result.flatMap { point in axis.values.map { point + [(axis.parameter, $0)] } }
        }
        return result
    }

    /// `base` with `point` applied, validated.
    public static func configuration(_ base: ALSConfiguration, at point: Point) throws -> ALSConfiguration {
        var c = base
        for (p, v) in point { p.apply(v, to: &c) }
        try c.validate()
        return c
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
