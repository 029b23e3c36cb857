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
        /// iALS++ subspace optimisation (Rendle et al. 2021), warm-started from the previous
        /// factors: `sweeps` passes over the dimensions in blocks of `blockSize`, each block's
        /// b×b system solved exactly. Exact at `blockSize` ≥ factors; coordinate descent at 1.
        case subspace
    }

    /// The order in which the subspace solver visits the dimension blocks of an iteration.
    public enum SubspaceSchedule: String, Sendable, Codable, CaseIterable {
        /// Each row sweeps all of its blocks (`sweeps` times), the users first, then the items:
        /// one user half-step and one item half-step per iteration, as the other solvers.
        case rows
        /// Rendle et al.'s iALS++ epoch: block by block, every user's block b, then every item's
        /// block b, before block b + 1 (so a user's block is solved against items whose earlier
        /// blocks were already updated in the same iteration); `sweeps` repeats the whole pass.
        case interleaved
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
    /// Number of latent factors k. Default 64 in every mode: on every shared split the validation
    /// figure at 64 is within a few per cent of the best up to 256 (README, "Defaults"), at a
    /// quarter of the cost of 128; `als tune` searches larger k when the budget allows.
    public var factors: Int = ALSConfiguration.defaultFactors
    /// λ. Default 1 in implicit mode and 0.1 otherwise, frequency-scaled (`regularizationExponent`
    /// 1, so a row with n observations gets λ·n, as Spark's ALS-WR `regParam`): scaled this way the
    /// best λ is nearly the same across data sets of very different sizes, where a plain λ moves
    /// by decades.
    public var regularization: Float
    /// Number of full iterations (a user half-step plus an item half-step). Default 15, as implicit.
    public var iterations: Int = 15
    /// Default `recommendedSolver(factors:)` of the factor count given to `init(mode:factors:)`:
    /// exact Cholesky below 64 factors, conjugate gradient from 64.
    public var solver: Solver = .cholesky
    /// CG steps per row per half-step. Default 3, as implicit: warm starts make more wasteful.
    public var cgSteps: Int = 3
    /// Subspace solver: dimensions per block b. Default 128, the block of Rendle et al.'s
    /// published iALS++ runs (their benchmarks use b = 128 at 256 to 8,192 dimensions); a block
    /// at least as large as the row's unknowns is one exact solve, so at the default 64 factors
    /// the subspace solver is exact.
    public var blockSize: Int = 128
    /// Subspace solver: passes over all blocks per row and half-step. Default 1, as iALS++
    /// (warm starts make one pass per half-step enough).
    public var sweeps: Int = 1
    /// Subspace solver: the order of the blocks within an iteration. Default `.rows`.
    public var subspaceSchedule: SubspaceSchedule = .rows
    /// Implicit mode: α of the confidence. Default 10 with `.log` confidence: an observed 0/1
    /// cell then weighs 1 + 10·ln 2 ≈ 7.9 missing ones.
    public var alpha: Float
    /// Implicit mode: default `.log`, which on 0/1 data is linear confidence with α·ln 2 and on
    /// counts (plays, clicks) keeps a heavy user's thousands of plays from drowning the rest.
    public var confidence: Confidence
    /// ε of `.log` confidence. Default 1.
    public var confidenceEpsilon: Float = 1
    /// Explicit mode: learn user and item biases. Default true in explicit mode.
    public var biases: Bool
    /// Explicit mode: subtract the global mean of the training ratings first. Default true in
    /// explicit mode.
    public var globalMean: Bool
    /// Explicit mode with biases: λ of the bias terms; nil means `regularization`.
    public var biasRegularization: Float? = nil
    /// Weighted mode: the popularity weighting. Default linear w0 = 1, wk = 0 (plain observed-only).
    public var walsWeighting: WALSWeighting = .linear(w0: 1, wk: 0)
    /// Implicit mode: β of the popularity-weighted missing data w_i ∝ count_i^β (eALS). 0 gives
    /// the uniform w = 1 of Hu et al.
    public var missingWeightExponent: Float = 0
    /// Implicit mode: Σ_i w_i when β ≠ 0; nil means the number of items (so β = 0 gives w = 1).
    public var missingWeightTotal: Float? = nil
    /// Frequency-scaled regularisation λ·(n + α₀·N)^ν (Rendle et al. 2022): ν. Default 1 with
    /// α₀ = 0, Spark's λ·n; 0 gives plain λ.
    public var regularizationExponent: Float = 1
    /// Frequency-scaled regularisation: α₀. Default 0.
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

    /// The default factor count of every mode.
    @_spi(Engine) public static let defaultFactors = 64

    /// The solver for `factors` unknowns per row: `.cholesky` (exact) below 64, `.cg` from 64.
    /// Cholesky costs n·k² + k³/3 per row and CG n·k + k² per step. On the validation splits of
    /// all five shared data sets (from 943 users to Gowalla's 29,858, explicit and implicit, the
    /// mode's defaults, 15 iterations; README, "Defaults") CG's validation figure was within
    /// 0.0012 of Cholesky's at every factor count from 32 to 256, either side, while from 64 it
    /// took 1/3.2 to 1/18 of the time per iteration (on the ML-20M shape 1.53 against 3.85 s at
    /// 64 factors); at 32 the two cost about the same, so the exact solve is kept there.
    /// `AutoSearch` chooses by the same rule.
    public static func recommendedSolver(factors: Int) -> Solver {
        factors >= 64 ? .cg : .cholesky
    }

    /// The recommended configuration of `mode` at `factors` (default 64; see each property for
    /// its default and why).
    public init(mode: Mode, factors: Int = 64) {
        self.mode = mode
        self.factors = factors
        solver = Self.recommendedSolver(factors: factors)
        regularization = mode == .implicit ? 1 : 0.1
        alpha = mode == .implicit ? 10 : 1
        confidence = mode == .implicit ? .log : .linear
        biases = mode == .explicit
        globalMean = mode == .explicit
    }

    /// Checks every value; throws `ALSError.invalidConfiguration` naming the fix.
    public func validate() throws {
        func bad(_ p: String, _ r: String) -> ALSError { .invalidConfiguration(parameter: p, reason: r) }
        guard factors >= 1, factors <= 4096 else { throw bad("factors", "must be in 1...4096 (got \(factors)); pass `factors: \(Self.defaultFactors)` for a start") }
        guard regularization >= 0, regularization.isFinite else { throw bad("regularization", "must be ≥ 0 and finite (got \(regularization))") }
        guard iterations >= 1 else { throw bad("iterations", "must be ≥ 1 (got \(iterations)): with no iteration the model is its random initialisation") }
        guard cgSteps >= 1 else { throw bad("cgSteps", "must be ≥ 1 (got \(cgSteps))") }
        guard blockSize >= 1 else { throw bad("blockSize", "must be ≥ 1 (got \(blockSize)); 64 to 128 suits 256 or more factors") }
        guard sweeps >= 1 else { throw bad("sweeps", "must be ≥ 1 (got \(sweeps))") }
        guard alpha >= 0, alpha.isFinite else { throw bad("alpha", "must be ≥ 0 and finite (got \(alpha))") }
        guard confidenceEpsilon > 0 else { throw bad("confidenceEpsilon", "must be > 0 (got \(confidenceEpsilon))") }
        if mode == .implicit, confidence == .scaled, alpha == 0 {
            throw bad("alpha", "scaled confidence c = α·r with α = 0 gives every observed cell weight 0, so the model learns nothing (all-zero factors); use α > 0, e.g. 10")
        }
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

// MARK: - Decoding a saved configuration

extension ALSConfiguration {
    /// Decodes a configuration written by `als tune --save-best` (or by hand): `mode` is required,
    /// every other key is optional and defaults to the mode's recommended value (the solver to
    /// the factor count's, `recommendedSolver(factors:)`), and an unknown
    /// key is an error (a misspelt hyperparameter must not be silently ignored).
    public init(from decoder: any Decoder) throws {
        let names = try decoder.container(keyedBy: _AnyKey.self)
        let known = Set(CodingKeys.allNames)
        if let unknown = names.allKeys.map(\.stringValue).first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown key '\(unknown)'; the keys are \(CodingKeys.allNames.sorted().joined(separator: ", "))"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(mode: try c.decode(Mode.self, forKey: .mode),
                  factors: try c.decodeIfPresent(Int.self, forKey: .factors) ?? 64)
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try read(.regularization, into: &regularization)
        try read(.iterations, into: &iterations)
        try read(.solver, into: &solver)
        try read(.cgSteps, into: &cgSteps)
        try read(.blockSize, into: &blockSize)
        try read(.sweeps, into: &sweeps)
        try read(.subspaceSchedule, into: &subspaceSchedule)
        try read(.alpha, into: &alpha)
        try read(.confidence, into: &confidence)
        try read(.confidenceEpsilon, into: &confidenceEpsilon)
        try read(.biases, into: &biases)
        try read(.globalMean, into: &globalMean)
        biasRegularization = try c.decodeIfPresent(Float.self, forKey: .biasRegularization)
        try read(.walsWeighting, into: &walsWeighting)
        try read(.missingWeightExponent, into: &missingWeightExponent)
        missingWeightTotal = try c.decodeIfPresent(Float.self, forKey: .missingWeightTotal)
        try read(.regularizationExponent, into: &regularizationExponent)
        try read(.regularizationAlpha0, into: &regularizationAlpha0)
        try read(.threads, into: &threads)
        try read(.seed, into: &seed)
        initScale = try c.decodeIfPresent(Float.self, forKey: .initScale)
        earlyStopTolerance = try c.decodeIfPresent(Double.self, forKey: .earlyStopTolerance)
        try read(.computeLoss, into: &computeLoss)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, factors, regularization, iterations, solver, cgSteps, blockSize, sweeps, subspaceSchedule, alpha, confidence, confidenceEpsilon
        case biases, globalMean, biasRegularization, walsWeighting, missingWeightExponent, missingWeightTotal
        case regularizationExponent, regularizationAlpha0, threads, seed, initScale, earlyStopTolerance, computeLoss

        static var allNames: [String] { allCases.map(\.rawValue) }
    }

    private struct _AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
