@_spi(Engine) import ALS
import ALSTuning
import ArgumentParser
import Foundation

extension ALSConfiguration.Mode: ExpressibleByArgument {}
extension ALSConfiguration.Solver: ExpressibleByArgument {}
extension ALSConfiguration.Confidence: ExpressibleByArgument {}
extension ALSConfiguration.SubspaceSchedule: ExpressibleByArgument {}

/// The hyperparameters every command that trains shares (`als train`, `als demo`, `als tune`,
/// `als plot loss`), through `@OptionGroup`. Every flag is optional: a flag left out takes the
/// value of `--config` when given, else the library's recommended value for the mode
/// (`ALSConfiguration(mode:)`), so the command line never re-types a library default. `als tune`
/// searches exactly the hyperparameters left out.
struct TrainingOptions: ParsableArguments {
    @Option(help: "ALS variant: explicit (observed ratings only), dense (missing cells are zeros), weighted (WALS) or implicit (Hu–Koren–Volinsky). Default: implicit.")
    var mode: ALSConfiguration.Mode?

    @Option(help: ArgumentHelp("Start from a configuration saved by 'als tune --save-best'; flags given as well override it.", valueName: "file.json"))
    var config: String?

    @Option(help: "Number of latent factors k (default \(ALSConfiguration.defaultFactors)).")
    var factors: Int?

    @Option(help: "Regularisation λ (default \(defaults(.implicit).regularization) in implicit mode, \(defaults(.explicit).regularization) otherwise, frequency-scaled: λ·n for a row with n observations).")
    var regularization: Float?

    @Option(help: "Number of iterations (a user half-step and an item half-step each; default \(defaults(.implicit).iterations)).")
    var iterations: Int?

    @Option(help: "Linear solver: cholesky (exact), cg (warm-started conjugate gradient) or subspace (iALS++ block coordinate descent, for hundreds to thousands of factors). Default: cholesky below 64 factors, cg from 64.")
    var solver: ALSConfiguration.Solver?

    @Option(help: "Conjugate-gradient steps per row and half-step (with --solver cg, the default from 64 factors; default \(defaults(.implicit).cgSteps)).")
    var cgSteps: Int?

    @Option(help: "Dimensions per block of the subspace solver (with --solver subspace; default \(defaults(.implicit).blockSize); a block of at least --factors is the exact solve).")
    var blockSize: Int?

    @Option(help: "Passes over all blocks per row and half-step (with --solver subspace; default \(defaults(.implicit).sweeps)).")
    var sweeps: Int?

    @Option(help: "Order of the subspace solver's blocks in an iteration: rows (each row sweeps all its blocks, users then items; the default) or interleaved (iALS++'s epoch: block by block, the users' block then the items'). With --solver subspace.")
    var subspaceSchedule: ALSConfiguration.SubspaceSchedule?

    @Option(help: "Implicit mode: α of the confidence (default \(defaults(.implicit).alpha)).")
    var alpha: Float?

    @Option(help: "Implicit mode: confidence of a value r: linear (1 + α·r), scaled (α·r, as the implicit library) or log (1 + α·log(1 + r/ε); the default).")
    var confidence: ALSConfiguration.Confidence?

    @Option(help: "Implicit mode with --confidence log: ε (default \(defaults(.implicit).confidenceEpsilon)).")
    var confidenceEpsilon: Float?

    @Flag(inversion: .prefixedNo,
          help: "Explicit mode: learn user and item biases and subtract the global mean (the default in explicit mode; --no-biases turns both off).")
    var biases: Bool?

    @Flag(inversion: .prefixedNo, help: "Explicit mode: subtract the global mean of the ratings (on with --biases).")
    var globalMean: Bool?

    @Option(help: "Explicit mode with biases: λ of the biases (default: --regularization).")
    var biasRegularization: Float?

    @Option(help: "Weighted mode: item weight w0 + wk/c_n (linear, the default) or w0 + c_n^-e (exponential) of the item's count c_n.")
    var walsWeighting: WALSKind?

    @Option(help: "Weighted mode: w0 (default 1).")
    var walsW0: Float?

    @Option(help: "Weighted mode, linear weighting: wk (default 0).")
    var walsWk: Float?

    @Option(help: "Weighted mode, exponential weighting: e (default 0.5).")
    var walsExponent: Float?

    @Option(help: "Implicit mode: β of popularity-weighted missing data, w_i ∝ count_i^β (default 0: uniform).")
    var missingWeightExponent: Float?

    @Option(help: "Implicit mode with β ≠ 0: the total missing weight Σ w_i (default: the number of items).")
    var missingWeightTotal: Float?

    @Option(help: "Frequency-scaled regularisation λ·(n + α₀·N)^ν: ν (default \(defaults(.implicit).regularizationExponent): Spark's λ·n; 0 = plain λ).")
    var regularizationExponent: Float?

    @Option(help: "Frequency-scaled regularisation: α₀ (default \(defaults(.implicit).regularizationAlpha0)).")
    var regularizationAlpha0: Float?

    @Option(help: "Worker threads (0 = every core; the default).")
    var threads: Int?

    @Option(help: "Seed of the factor initialisation; a seed gives the same model whatever --threads (default \(defaults(.implicit).seed)).")
    var seed: UInt64?

    @Option(help: "Stop when the relative loss change falls below this (default: run every iteration).")
    var earlyStop: Double?

    enum WALSKind: String, ExpressibleByArgument, CaseIterable {
        case linear, exponential
    }

    private static func defaults(_ mode: ALSConfiguration.Mode) -> ALSConfiguration { ALSConfiguration(mode: mode) }

    func validate() throws {
        do {
            // A useless flag is named before any range check of the values.
            try checkRelevance(try configuration(validating: false))
            _ = try configuration()
        } catch let error as ALSError {
            throw ValidationError(CommandLineText.rewrite(error.description))
        }
    }

    /// The values given on the command line, by the `HyperparameterGrid` name `als tune` fixes.
    var given: Set<HyperparameterGrid.Parameter> {
        var s = Set<HyperparameterGrid.Parameter>()
        if factors != nil { s.insert(.factors) }
        if regularization != nil { s.insert(.regularization) }
        if alpha != nil { s.insert(.alpha) }
        if iterations != nil { s.insert(.iterations) }
        if biasRegularization != nil { s.insert(.biasRegularization) }
        if confidenceEpsilon != nil { s.insert(.confidenceEpsilon) }
        if cgSteps != nil { s.insert(.cgSteps) }
        if walsW0 != nil { s.insert(.walsW0) }
        if walsWk != nil { s.insert(.walsWk) }
        if walsExponent != nil { s.insert(.walsExponent) }
        if missingWeightExponent != nil { s.insert(.missingWeightExponent) }
        if regularizationExponent != nil { s.insert(.regularizationExponent) }
        if regularizationAlpha0 != nil { s.insert(.regularizationAlpha0) }
        return s
    }

    /// The mode: `--mode`, else the `--config` file's, else implicit.
    var resolvedMode: ALSConfiguration.Mode { mode ?? (try? configuration().mode) ?? .implicit }

    /// True when `--confidence` (or `--solver`) was given, so `als tune` keeps it.
    var confidenceGiven: Bool { confidence != nil }
    var solverGiven: Bool { solver != nil }

    /// The library configuration these flags stand for: `--config` (or the mode's recommended
    /// configuration) with every given flag applied.
    func configuration(validating: Bool = true) throws -> ALSConfiguration {
        var c: ALSConfiguration
        if let config {
            c = try Self.readConfiguration(config)
            if let mode, mode != c.mode {
                // Another mode: the file's values of this mode still apply, on the new mode's defaults.
                var m = ALSConfiguration(mode: mode, factors: c.factors)
                m.iterations = c.iterations
                m.seed = c.seed
                m.threads = c.threads
                c = m
            }
        } else {
            c = ALSConfiguration(mode: mode ?? .implicit, factors: factors ?? ALSConfiguration.defaultFactors)
        }
        if let factors { c.factors = factors }
        if let regularization { c.regularization = regularization }
        if let iterations { c.iterations = iterations }
        if let solver { c.solver = solver }
        if let cgSteps { c.cgSteps = cgSteps }
        if let blockSize { c.blockSize = blockSize }
        if let sweeps { c.sweeps = sweeps }
        if let subspaceSchedule { c.subspaceSchedule = subspaceSchedule }
        if let alpha { c.alpha = alpha }
        if let confidence { c.confidence = confidence }
        if let confidenceEpsilon { c.confidenceEpsilon = confidenceEpsilon }
        if let biases {
            c.biases = biases
            c.globalMean = biases
        }
        if let globalMean { c.globalMean = globalMean }
        if let biasRegularization { c.biasRegularization = biasRegularization }
        if walsWeighting != nil || walsW0 != nil || walsWk != nil || walsExponent != nil {
            var (w0, wk, e): (Float, Float, Float) = (1, 0, 0.5)
            var exponential = false
            switch c.walsWeighting {
            case let .linear(a, b): (w0, wk) = (a, b)
            case let .exponential(a, b): (w0, e, exponential) = (a, b, true)
            }
            if let walsWeighting { exponential = walsWeighting == .exponential }
            w0 = walsW0 ?? w0
            wk = walsWk ?? wk
            e = walsExponent ?? e
            c.walsWeighting = exponential ? .exponential(w0: w0, e: e) : .linear(w0: w0, wk: wk)
        }
        if let missingWeightExponent { c.missingWeightExponent = missingWeightExponent }
        if let missingWeightTotal { c.missingWeightTotal = missingWeightTotal }
        if let regularizationExponent { c.regularizationExponent = regularizationExponent }
        if let regularizationAlpha0 { c.regularizationAlpha0 = regularizationAlpha0 }
        if let threads { c.threads = threads }
        if let seed { c.seed = seed }
        if let earlyStop { c.earlyStopTolerance = earlyStop }
        if validating { try c.validate() }
        return c
    }

    /// A flag that does nothing in the chosen mode (or without the option it refines) is an
    /// error, never silently ignored: `--alpha` outside implicit mode, `--cg-steps` without
    /// `--solver cg`, `--block-size`, `--sweeps` and `--subspace-schedule` without `--solver subspace`, `--wals-*` outside weighted mode, and so on.
    func checkRelevance(_ c: ALSConfiguration) throws {
        func useless(_ flag: String, _ why: String) -> ValidationError {
            let solverFlag = ["--cg-steps": "cg", "--block-size": "subspace", "--sweeps": "subspace",
                              "--subspace-schedule": "subspace"][flag]
            return ValidationError("\(flag) does nothing \(why); drop it\(solverFlag.map { ", or add --solver \($0)" } ?? "").")
        }
        let mode = c.mode.rawValue
        if c.mode != .implicit {
            for (flag, v) in [("--alpha", alpha != nil), ("--confidence", confidence != nil),
                              ("--confidence-epsilon", confidenceEpsilon != nil),
                              ("--missing-weight-exponent", missingWeightExponent != nil),
                              ("--missing-weight-total", missingWeightTotal != nil)] where v {
                throw useless(flag, "in \(mode) mode (it is for --mode implicit)")
            }
        } else {
            if confidenceEpsilon != nil, c.confidence != .log { throw useless("--confidence-epsilon", "without --confidence log") }
            if missingWeightTotal != nil, c.missingWeightExponent == 0 { throw useless("--missing-weight-total", "without --missing-weight-exponent") }
        }
        if c.mode != .weighted {
            for (flag, v) in [("--wals-weighting", walsWeighting != nil), ("--wals-w0", walsW0 != nil),
                              ("--wals-wk", walsWk != nil), ("--wals-exponent", walsExponent != nil)] where v {
                throw useless(flag, "in \(mode) mode (it is for --mode weighted)")
            }
        } else {
            let exponential = { if case .exponential = c.walsWeighting { return true } else { return false } }()
            if walsWk != nil, exponential { throw useless("--wals-wk", "with exponential weighting") }
            if walsExponent != nil, !exponential { throw useless("--wals-exponent", "with linear weighting (add --wals-weighting exponential)") }
        }
        if c.mode != .explicit {
            for (flag, v) in [("--biases", biases == true), ("--global-mean", globalMean == true),
                              ("--bias-regularization", biasRegularization != nil)] where v {
                throw useless(flag, "in \(mode) mode (it is for --mode explicit)")
            }
        } else if biasRegularization != nil, !c.biases {
            throw useless("--bias-regularization", "with --no-biases")
        }
        for (flag, v, solver) in [("--cg-steps", cgSteps != nil, ALSConfiguration.Solver.cg),
                                  ("--block-size", blockSize != nil, .subspace), ("--sweeps", sweeps != nil, .subspace),
                                  ("--subspace-schedule", subspaceSchedule != nil, .subspace)]
        where v && c.solver != solver {
            throw useless(flag, "with the \(c.solver.rawValue) solver")
        }
        if regularizationAlpha0 != nil, c.regularizationExponent == 0 {
            throw useless("--regularization-alpha0", "with --regularization-exponent 0")
        }
    }

    /// Reads a configuration file written by `als tune --save-best`.
    static func readConfiguration(_ path: String) throws -> ALSConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("--config \(path): cannot read the file (\(error.localizedDescription)); pass a file written by 'als tune --save-best'.")
        }
        do { return try JSONDecoder().decode(ALSConfiguration.self, from: data) } catch let DecodingError.dataCorrupted(context) {
            throw ValidationError("--config \(path): \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ValidationError("--config \(path): '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw ValidationError("--config \(path): the key '\(key.stringValue)' is missing; a configuration needs at least \"mode\".")
        } catch {
            throw ValidationError("--config \(path): not a configuration (\(error)); pass a file written by 'als tune --save-best'.")
        }
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
