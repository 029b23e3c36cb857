/// Every hyperparameter of a training run. Each ALS variant is a `Mode` of one weighted objective
///
///     Σ_(u,i observed) c_ui (p_ui − x_uᵀy_i)² + Σ_(u,i missing) w_i (x_uᵀy_i)²
///       + Σ_u λ_u ‖x_u‖² + Σ_i λ_i ‖y_i‖²  (+ λ_b (b_u² + b_i²) with biases)
///
/// and the mode fixes c, p and w.
public struct ALSConfiguration: Sendable, Codable, Equatable {
    /// The ALS variant.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Observed-only least squares: w = 0, c = 1, p = r. Optional global mean and biases.
        case explicit
        /// "Missing cells are zeros": w = 1, c = 1, p = r, computed sparsely.
        case dense
        /// Weighted ALS (WALS): w = 0, c = a per-item popularity weight (see `WALSWeighting`),
        /// or the per-entry weights stored in the matrix when present.
        case weighted
        /// Hu–Koren–Volinsky implicit feedback: p = 1[r > 0], c from `confidence`, w = 1 (or
        /// popularity-weighted, see `missingWeightExponent`).
        case implicit
    }

    /// The linear system solver.
    public enum Solver: String, Sendable, Codable, CaseIterable {
        /// Exact Cholesky of each row's k×k system.
        case cholesky
        /// Conjugate gradient, warm-started from the previous factors (`cgSteps` steps).
        case cg
    }

    /// How an implicit-feedback value r becomes a confidence c.
    public enum Confidence: String, Sendable, Codable, CaseIterable {
        /// c = 1 + α·r (Hu, Koren and Volinsky; Spark). The default.
        case linear
        /// c = α·r (the convention of the `implicit` library).
        case scaled
        /// c = 1 + α·log(1 + r/ε) (Hu et al.'s log variant).
        case log
    }

    /// Item-popularity weights of WALS, a function of the item's count c_n.
    public enum WALSWeighting: Sendable, Codable, Equatable {
        /// w0 + wk / c_n
        case linear(w0: Float, wk: Float)
        /// w0 + c_n^(−e)
        case exponential(w0: Float, e: Float)
    }

    public var mode: Mode
    /// Number of latent factors k. Default 64: the size implicit and Spark users benchmark with.
    public var factors: Int = 64
    /// λ. Default 0.1, Spark's default; implicit-feedback data usually wants 1–100 (tune it).
    public var regularization: Float = 0.1
    /// Number of full iterations (a user half-step plus an item half-step). Default 15, as implicit.
    public var iterations: Int = 15
    public var solver: Solver = .cholesky
    /// CG steps per row per half-step. Default 3, as implicit: warm starts make more wasteful.
    public var cgSteps: Int = 3
    /// Implicit mode: α of the confidence. Default 1.
    public var alpha: Float = 1
    public var confidence: Confidence = .linear
    /// ε of `.log` confidence. Default 1.
    public var confidenceEpsilon: Float = 1
    /// Explicit mode: learn user and item biases.
    public var biases: Bool = false
    /// Explicit mode: subtract the global mean of the training ratings first.
    public var globalMean: Bool = false
    /// Explicit mode with biases: λ of the bias terms; nil means `regularization`.
    public var biasRegularization: Float? = nil
    /// Weighted mode: the popularity weighting. Default linear w0 = 1, wk = 0 (plain observed-only).
    public var walsWeighting: WALSWeighting = .linear(w0: 1, wk: 0)
    /// Implicit mode: β of the popularity-weighted missing data w_i ∝ count_i^β (eALS). 0 gives
    /// the uniform w = 1 of Hu et al.
    public var missingWeightExponent: Float = 0
    /// Implicit mode: Σ_i w_i when β ≠ 0; nil means the number of items (so β = 0 gives w = 1).
    public var missingWeightTotal: Float? = nil
    /// Frequency-scaled regularisation λ·(n + α₀·N)^ν (Rendle et al. 2022): ν. 0 gives plain λ;
    /// ν = 1 with α₀ = 0 gives Spark's λ·n.
    public var regularizationExponent: Float = 0
    /// Frequency-scaled regularisation: α₀.
    public var regularizationAlpha0: Float = 0
    /// Worker threads; 0 means all cores.
    public var threads: Int = 0
    /// Seed of the factor initialisation. Results are identical for a seed whatever `threads`.
    public var seed: UInt64 = 42
    /// Standard deviation of the initial factors. nil means 0.01 (as implicit's `rand * 0.01`)
    /// for implicit and dense modes and 0.1/√k otherwise.
    public var initScale: Float? = nil
    /// Stop early when the relative loss change falls below this. nil: run all iterations.
    public var earlyStopTolerance: Double? = nil
    /// Compute the exact loss after each iteration (cheap: O(nnz·k + n·k²)).
    public var computeLoss: Bool = true

    public init(mode: Mode) { self.mode = mode }

    /// Checks every value; throws `ALSError.invalidConfiguration` naming the fix.
    public func validate() throws {
        func bad(_ p: String, _ r: String) -> ALSError { .invalidConfiguration(parameter: p, reason: r) }
        guard factors >= 1, factors <= 4096 else { throw bad("factors", "must be in 1...4096 (got \(factors)); pass `factors: 64` for a start") }
        guard regularization >= 0, regularization.isFinite else { throw bad("regularization", "must be ≥ 0 and finite (got \(regularization))") }
        guard iterations >= 0 else { throw bad("iterations", "must be ≥ 0 (got \(iterations))") }
        guard cgSteps >= 1 else { throw bad("cgSteps", "must be ≥ 1 (got \(cgSteps))") }
        guard alpha >= 0, alpha.isFinite else { throw bad("alpha", "must be ≥ 0 and finite (got \(alpha))") }
        guard confidenceEpsilon > 0 else { throw bad("confidenceEpsilon", "must be > 0 (got \(confidenceEpsilon))") }
        if let b = biasRegularization, !(b >= 0) { throw bad("biasRegularization", "must be ≥ 0 (got \(b))") }
        if biases || globalMean, mode != .explicit {
            throw bad("biases", "biases and the global mean are for `mode: .explicit` only")
        }
        guard threads >= 0 else { throw bad("threads", "must be ≥ 0 (0 = all cores; got \(threads))") }
        guard missingWeightExponent.isFinite else { throw bad("missingWeightExponent", "must be finite") }
        if let t = missingWeightTotal, !(t > 0) { throw bad("missingWeightTotal", "must be > 0 (got \(t))") }
        guard regularizationExponent >= 0 else { throw bad("regularizationExponent", "must be ≥ 0 (got \(regularizationExponent))") }
        guard regularizationAlpha0 >= 0 else { throw bad("regularizationAlpha0", "must be ≥ 0 (got \(regularizationAlpha0))") }
        if let s = initScale, !(s > 0) { throw bad("initScale", "must be > 0 (got \(s))") }
        if case let .linear(w0, wk) = walsWeighting, !(w0 >= 0 && wk >= 0 && w0 + wk > 0) {
            throw bad("walsWeighting", "w0 and wk must be ≥ 0 and not both 0")
        }
        if case let .exponential(w0, e) = walsWeighting, !(w0 >= 0 && e.isFinite) {
            throw bad("walsWeighting", "w0 must be ≥ 0 and e finite")
        }
    }
}
