@_spi(Engine) import ALS
import Dispatch

/// Chooses hyperparameters without looking at the test set: carves a per-user validation split
/// out of the train matrix (`Splits.validation`), trains every grid point on the rest, and scores
/// each on the validation part with one metric. The caller then refits the best configuration on
/// the whole train matrix (`ALSTrainer(best).fit(train)`) and scores that on test.
public struct GridSearch: Sendable {
    /// The values every grid point starts from.
    public var base: ALSConfiguration
    public var grid: HyperparameterGrid
    public var metric: EvaluationMetric
    /// Fraction of each user's train interactions held out for validation. Default 0.2: the
    /// 80/20 per-user protocol of the shipped implicit splits, so a validation figure is on the
    /// same footing as a test figure.
    public var validationFraction: Double = Splits.defaultValidationFraction
    /// Seed of the validation split (the factor initialisation uses `base.seed`).
    public var seed: UInt64 = 1
    /// Bounds of rating predictions for the rating metrics, or nil.
    public var clamp: ClosedRange<Float>? = nil
    /// Keep `base.solver` at every grid point instead of taking the factor count's
    /// (`ALSConfiguration.recommendedSolver(factors:)`, as `AutoSearch` and `als train` do).
    /// Default false.
    public var keepSolver: Bool = false

    public init(base: ALSConfiguration, grid: HyperparameterGrid, metric: EvaluationMetric) {
        self.base = base
        self.grid = grid
        self.metric = metric
    }

    /// One trained grid point.
    public struct Trial: Sendable {
        /// The grid point (its values, in axis order).
        public var point: HyperparameterGrid.Point
        public var configuration: ALSConfiguration
        /// The validation figure, or nil when training failed.
        public var value: Double?
        /// Why training failed (a non-positive-definite system, non-finite factors), else nil.
        public var failure: String?
        /// Seconds to train and score.
        public var seconds: Double
    }

    public struct Result: Sendable {
        /// Every trial, in grid order.
        public var trials: [Trial]
        /// Index in `trials` of the best figure (the first of equal ones), nil when all failed.
        public var best: Int?
        /// The split the trials were scored on.
        public var validation: DataSplit
    }

    /// Runs every grid point in order. `progress(done, total, trial)` is called after each one,
    /// on the calling thread. Throws when the grid itself is invalid (a configuration that
    /// fails `validate()`) or the validation split has no test entry; a point whose training
    /// fails numerically is recorded as a failed trial instead.
    public func run(train: InteractionMatrix, progress: ((Int, Int, Trial) -> Void)? = nil) throws -> Result {
        let points = grid.points
        let configurations = try points.map { point in
            var c = base
            if !keepSolver, let f = point.first(where: { $0.parameter == .factors }) {
                c.solver = ALSConfiguration.recommendedSolver(factors: Int(f.value))
            }
            return try HyperparameterGrid.configuration(c, at: point)
        }
        let validation = try Splits.validation(from: train, fraction: validationFraction, seed: seed)
        guard validation.test.nonZeros > 0 else {
            throw ALSError.invalidConfiguration(
                parameter: "validation-fraction",
                reason: "\(validationFraction) of each user's interactions leaves no validation entry; raise it (each user sends floor(n · fraction) entries)")
        }
        var trials: [Trial] = []
        var best: Int? = nil
        for (point, configuration) in zip(points, configurations) {
            let start = DispatchTime.now().uptimeNanoseconds
            var trial = Trial(point: point, configuration: configuration, value: nil, failure: nil, seconds: 0)
            do {
                let model = try ALSTrainer(configuration).fit(validation.train)
                trial.value = try metric.evaluate(model, on: validation, clamp: clamp, threads: configuration.threads)
            } catch let error as ALSError {
                trial.failure = error.description
            }
            trial.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if let v = trial.value, best.map({ metric.isBetter(v, than: trials[$0].value!) }) ?? !v.isNaN {
                best = trials.count
            }
            trials.append(trial)
            progress?(trials.count, points.count, trial)
        }
        return Result(trials: trials, best: best, validation: validation)
    }
}
