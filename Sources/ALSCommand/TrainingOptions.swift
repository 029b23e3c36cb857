import ALS
import ArgumentParser

extension ALSConfiguration.Mode: ExpressibleByArgument {}
extension ALSConfiguration.Solver: ExpressibleByArgument {}
extension ALSConfiguration.Confidence: ExpressibleByArgument {}

/// The hyperparameters every command that trains shares (`als train`, `als demo`, `als tune`),
/// through `@OptionGroup`. Defaults are the library's (see `ALSConfiguration`), except `--mode`,
/// which each command sets.
struct TrainingOptions: ParsableArguments {
    @Option(help: "ALS variant: explicit (observed ratings only), dense (missing cells are zeros), weighted (WALS) or implicit (Hu–Koren–Volinsky).")
    var mode: ALSConfiguration.Mode = .implicit

    @Option(help: "Number of latent factors k.")
    var factors: Int = 64

    @Option(help: "Regularisation λ. Implicit data usually wants 1–100; tune it with 'als tune'.")
    var regularization: Float = 0.1

    @Option(help: "Number of iterations (a user half-step and an item half-step each).")
    var iterations: Int = 15

    @Option(help: "Linear solver: cholesky (exact) or cg (warm-started conjugate gradient).")
    var solver: ALSConfiguration.Solver = .cholesky

    @Option(help: "Conjugate-gradient steps per row and half-step (with --solver cg).")
    var cgSteps: Int = 3

    @Option(help: "Implicit mode: α of the confidence.")
    var alpha: Float = 1

    @Option(help: "Implicit mode: confidence of a value r: linear (1 + α·r), scaled (α·r, as the implicit library) or log (1 + α·log(1 + r/ε)).")
    var confidence: ALSConfiguration.Confidence = .linear

    @Option(help: "Implicit mode with --confidence log: ε.")
    var confidenceEpsilon: Float = 1

    @Flag(help: "Explicit mode: learn user and item biases (and subtract the global mean).")
    var biases = false

    @Flag(help: "Explicit mode: subtract the global mean of the ratings (implied by --biases).")
    var globalMean = false

    @Option(help: "Explicit mode with --biases: λ of the biases (default: --regularization).")
    var biasRegularization: Float?

    @Option(help: "Weighted mode: item weight w0 + wk/c_n (linear) or w0 + c_n^-e (exponential) of the item's count c_n.")
    var walsWeighting: WALSKind = .linear

    @Option(help: "Weighted mode: w0.")
    var walsW0: Float = 1

    @Option(help: "Weighted mode, linear weighting: wk.")
    var walsWk: Float = 0

    @Option(help: "Weighted mode, exponential weighting: e.")
    var walsExponent: Float = 0.5

    @Option(help: "Implicit mode: β of popularity-weighted missing data, w_i ∝ count_i^β (0 = uniform).")
    var missingWeightExponent: Float = 0

    @Option(help: "Implicit mode with β ≠ 0: the total missing weight Σ w_i (default: the number of items).")
    var missingWeightTotal: Float?

    @Option(help: "Frequency-scaled regularisation λ·(n + α₀·N)^ν: ν (0 = plain λ, 1 with α₀ = 0 = Spark's λ·n).")
    var regularizationExponent: Float = 0

    @Option(help: "Frequency-scaled regularisation: α₀.")
    var regularizationAlpha0: Float = 0

    @Option(help: "Worker threads (0 = every core).")
    var threads: Int = 0

    @Option(help: "Seed of the factor initialisation; a seed gives the same model whatever --threads.")
    var seed: UInt64 = 42

    @Option(help: "Stop when the relative loss change falls below this (default: run every iteration).")
    var earlyStop: Double?

    enum WALSKind: String, ExpressibleByArgument, CaseIterable {
        case linear, exponential
    }

    func validate() throws {
        do { _ = try configuration() } catch let error as ALSError {
            throw ValidationError(CommandLineText.rewrite(error.description))
        }
    }

    /// The library configuration these flags stand for.
    func configuration() throws -> ALSConfiguration {
        var c = ALSConfiguration(mode: mode)
        c.factors = factors
        c.regularization = regularization
        c.iterations = iterations
        c.solver = solver
        c.cgSteps = cgSteps
        c.alpha = alpha
        c.confidence = confidence
        c.confidenceEpsilon = confidenceEpsilon
        c.biases = biases
        c.globalMean = globalMean || biases
        c.biasRegularization = biasRegularization
        c.walsWeighting = walsWeighting == .linear ? .linear(w0: walsW0, wk: walsWk) : .exponential(w0: walsW0, e: walsExponent)
        c.missingWeightExponent = missingWeightExponent
        c.missingWeightTotal = missingWeightTotal
        c.regularizationExponent = regularizationExponent
        c.regularizationAlpha0 = regularizationAlpha0
        c.threads = threads
        c.seed = seed
        c.earlyStopTolerance = earlyStop
        try c.validate()
        return c
    }
}

/// Prints training progress to standard error: one line per iteration.
func printProgress(_ p: ALSProgress) {
    let loss = p.loss.map { String(format: "%.6e", $0) } ?? "-"
    let width = String(p.iterations).count
    let it = String(p.iteration).leftPadded(to: width)
    InputOptions.printToStandardError(
        "iteration \(it)/\(p.iterations)  loss \(loss)  \(String(format: "%.3f", p.seconds)) s  (elapsed \(String(format: "%.3f", p.elapsed)) s)")
}
