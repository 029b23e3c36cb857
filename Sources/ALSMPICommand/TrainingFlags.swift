@_spi(Engine) import ALS
import ArgumentParser
import Foundation

extension ALSConfiguration.Mode: ExpressibleByArgument {}
extension ALSConfiguration.Solver: ExpressibleByArgument {}
extension ALSConfiguration.Confidence: ExpressibleByArgument {}

/// The hyperparameters of `als-mpi train`: the common ones of `als train`, spelled the same,
/// each left out taking the value of `--config` or the library's default for the mode. For the
/// rest, `--config` takes the JSON that `als tune --save-best` writes (any `ALSConfiguration`).
///
/// `als train`'s `TrainingOptions` lives in the `als` executable, which another executable
/// cannot import; this is the subset distributed runs need, not a second copy of its checks.
struct TrainingFlags: ParsableArguments {
    @Option(help: "ALS variant: explicit, dense, weighted or implicit (default implicit).")
    var mode: ALSConfiguration.Mode?

    @Option(help: ArgumentHelp("Start from a configuration file (JSON, as 'als tune --save-best' writes); flags override it.", valueName: "file.json"))
    var config: String?

    @Option(help: "Number of latent factors k (default \(ALSConfiguration.defaultFactors)).")
    var factors: Int?

    @Option(help: "Regularisation λ (default: the library's for the mode).")
    var regularization: Float?

    @Option(help: "Frequency-scaled regularisation exponent ν (default 1: λ·n; 0 = plain λ).")
    var regularizationExponent: Float?

    @Option(help: "Number of iterations (default \(ALSConfiguration(mode: .implicit).iterations)).")
    var iterations: Int?

    @Option(help: "Linear solver: cholesky (the default), cg or subspace.")
    var solver: ALSConfiguration.Solver?

    @Option(help: "Conjugate-gradient steps per row and half-step (with --solver cg).")
    var cgSteps: Int?

    @Option(help: "Implicit mode: α of the confidence.")
    var alpha: Float?

    @Option(help: "Implicit mode: confidence linear, scaled or log (the default).")
    var confidence: ALSConfiguration.Confidence?

    @Flag(inversion: .prefixedNo, help: "Explicit mode: learn biases and subtract the global mean (on by default).")
    var biases: Bool?

    @Option(help: "Worker threads per rank (0 = every core; the default).")
    var threads: Int?

    @Option(help: "Seed of the factor initialisation (the same seed gives the same model on any number of ranks).")
    var seed: UInt64?

    @Option(help: "Stop when the relative loss change falls below this.")
    var earlyStop: Double?

    func validate() throws {
        do { _ = try configuration() } catch let error as ALSError { throw ValidationError(error.description) }
    }

    /// `--config` (or the mode's defaults) with every given flag applied, validated.
    func configuration() throws -> ALSConfiguration {
        // The solver follows the factor count, as in `als train` (`recommendedSolver(factors:)`).
        var c = ALSConfiguration(mode: mode ?? .implicit, factors: factors ?? ALSConfiguration.defaultFactors)
        if let config {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: config)) } catch {
                throw ValidationError("--config \(config): cannot read the file (\(error.localizedDescription)).")
            }
            do { c = try JSONDecoder().decode(ALSConfiguration.self, from: data) } catch {
                throw ValidationError("--config \(config): not a configuration (\(error)).")
            }
            if let mode, mode != c.mode { throw ValidationError("--mode \(mode.rawValue) differs from the mode of --config \(config).") }
        }
        if let factors { c.factors = factors }
        if let regularization { c.regularization = regularization }
        if let regularizationExponent { c.regularizationExponent = regularizationExponent }
        if let iterations { c.iterations = iterations }
        if let solver { c.solver = solver }
        if let cgSteps { c.cgSteps = cgSteps }
        if let alpha { c.alpha = alpha }
        if let confidence { c.confidence = confidence }
        if let biases { (c.biases, c.globalMean) = (biases, biases) }
        if let threads { c.threads = threads }
        if let seed { c.seed = seed }
        if let earlyStop { c.earlyStopTolerance = earlyStop }
        try c.validate()
        return c
    }
}
