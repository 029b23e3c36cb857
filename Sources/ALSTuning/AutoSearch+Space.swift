@_spi(Engine) import ALS
import Foundation

/// The space `AutoSearch` samples, in scale-free coordinates, so that one search space serves
/// data of any size and value range:
///
/// - `logConfidence`: log10 of C, the confidence of a typical observed cell relative to a missing
///   one (implicit mode). α follows from the data: C / mean(r) for scaled and linear confidence,
///   (C − 1) / mean(log(1 + r/ε)) for log confidence, so a play-count file and a 0/1 file search
///   the same C. Range 10⁰–10³.
/// - `logRho`: log10 of ρ, the ridge per unit of observed weight. With frequency-scaled λ (ν = 1)
///   a row with n observations gets λ·n and λ = ρ·C; with plain λ (ν = 0), λ = ρ·C·n̄ for the
///   typical row count n̄ (the geometric mean of the user and item means), so the two kinds of
///   regularisation share one coordinate. Range 10⁻³·⁵–10⁰·⁵: below it the ridge does nothing,
///   above it every factor shrinks to zero.
/// - `frequencyScaled`: ν ∈ {0, 1}.
/// - `missingExponent`: β of popularity-weighted missing data (implicit), 0–0.5, 0 with
///   probability 0.4 (uniform missing data stays a strong candidate).
/// - `logBiasRatio`: log10 of the bias λ over λ (explicit mode with biases), 10⁻²–10¹.
/// - `confidence`: the confidence kind, searched only when the values are not all equal (on 0/1
///   data linear, scaled and log confidence are the same family, reparametrised).
struct _SearchPoint: Sendable, Equatable {
    var logConfidence = 1.0
    var logRho = -1.0
    var frequencyScaled = true
    var missingExponent = 0.0
    var logBiasRatio = 0.0
    var confidence: ALSConfiguration.Confidence = .log
    var factors = 32

    static let confidenceRange = 0.0 ... 3.0
    static let rhoRange = -3.5 ... 0.5
    static let missingRange = 0.0 ... 0.5
    static let biasRatioRange = -2.0 ... 1.0
}

/// What of the data the scale-free coordinates need.
struct _DataScale: Sendable {
    /// mean(r) and mean(log(1 + r/ε)) over the observed values.
    var meanValue: Double
    var meanLogValue: Double
    /// The typical row count n̄ = √((nnz / users) · (nnz / items)).
    var typicalCount: Double
    /// True when every observed value is the same (0/1 data).
    var constantValues: Bool

    init(_ data: InteractionMatrix, epsilon: Float) {
        let values = data.byUser.values
        var sum = 0.0, logSum = 0.0
        var constant = true
        let first = values.first ?? 1
        for v in values {
            sum += Double(v)
            logSum += Foundation.log(1 + Double(v) / Double(epsilon))
            if v != first { constant = false }
        }
        let n = Double(max(values.count, 1))
        meanValue = max(sum / n, 1e-12)
        meanLogValue = max(logSum / n, 1e-12)
        typicalCount = max(1, (n / Double(max(data.users, 1)) * n / Double(max(data.items, 1))).squareRoot())
        constantValues = constant
    }
}

extension _SearchPoint {
    /// `base` with this point applied to every hyperparameter not in `fixed`.
    func configuration(_ base: ALSConfiguration, fixed: Set<HyperparameterGrid.Parameter>, keepConfidence: Bool,
                       scale: _DataScale) -> ALSConfiguration {
        var c = base
        if !fixed.contains(.factors) { c.factors = factors }
        if !fixed.contains(.regularizationExponent) {
            c.regularizationExponent = frequencyScaled ? 1 : 0
            if !fixed.contains(.regularizationAlpha0) { c.regularizationAlpha0 = 0 }
        }
        let rho = Foundation.pow(10, logRho)
        switch c.mode {
        case .implicit:
            if !keepConfidence { c.confidence = confidence }
            let C = Foundation.pow(10, logConfidence)
            if !fixed.contains(.alpha) {
                switch c.confidence {
                case .scaled: c.alpha = Float(C / scale.meanValue)
                case .linear: c.alpha = Float(max(C - 1, 0.05) / scale.meanValue)
                case .log: c.alpha = Float(max(C - 1, 0.05) / scale.meanLogValue)
                }
            }
            // The weight of a typical observed cell under the configuration's actual α.
            let observed: Double
            switch c.confidence {
            case .scaled: observed = Double(c.alpha) * scale.meanValue
            case .linear: observed = 1 + Double(c.alpha) * scale.meanValue
            case .log: observed = 1 + Double(c.alpha) * scale.meanLogValue
            }
            if !fixed.contains(.regularization) {
                c.regularization = Float(rho * observed * (c.regularizationExponent == 0 ? scale.typicalCount : 1))
            }
            if !fixed.contains(.missingWeightExponent) { c.missingWeightExponent = Float(missingExponent) }
        case .explicit, .dense, .weighted:
            if !fixed.contains(.regularization) {
                c.regularization = Float(rho * (c.regularizationExponent == 0 ? scale.typicalCount : 1))
            }
            if c.mode == .explicit, c.biases, !fixed.contains(.biasRegularization) {
                c.biasRegularization = c.regularization * Float(Foundation.pow(10, logBiasRatio))
            }
        }
        return c
    }

    /// A point drawn from the whole space: `u` holds one uniform draw in [0, 1) per coordinate.
    static func sample(_ u: [Double], factors: Int, confidences: [ALSConfiguration.Confidence]) -> _SearchPoint {
        func lerp(_ r: ClosedRange<Double>, _ t: Double) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * t }
        var p = _SearchPoint()
        p.logConfidence = lerp(confidenceRange, u[0])
        p.logRho = lerp(rhoRange, u[1])
        p.frequencyScaled = u[2] < 0.5
        p.missingExponent = u[3] < 0.4 ? 0 : lerp(missingRange, (u[3] - 0.4) / 0.6)
        p.logBiasRatio = lerp(biasRatioRange, u[4])
        p.confidence = confidences[min(Int(u[5] * Double(confidences.count)), confidences.count - 1)]
        p.factors = factors
        return p
    }

    /// A point near this one: each continuous coordinate moved by a normal step of `width`
    /// (in decades for the logarithmic ones; a tenth of that for β), clamped to its range; ν and
    /// the confidence kind kept.
    func perturbed(width: Double, rng: inout _SplitMix64) -> _SearchPoint {
        func step(_ x: Double, _ w: Double, _ r: ClosedRange<Double>) -> Double {
            min(max(x + w * Double(rng.nextGaussian()), r.lowerBound), r.upperBound)
        }
        var p = self
        p.logConfidence = step(logConfidence, width, Self.confidenceRange)
        p.logRho = step(logRho, width, Self.rhoRange)
        p.missingExponent = missingExponent == 0 && rng.next() % 2 == 0 ? 0 : step(missingExponent, width / 4, Self.missingRange)
        p.logBiasRatio = step(logBiasRatio, width, Self.biasRatioRange)
        return p
    }
}
