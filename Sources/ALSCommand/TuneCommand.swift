@_spi(Engine) import ALS
import ALSTuning
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `als tune TRAIN [--test TEST]`: an automatic search within a budget (or a grid search) on a
/// validation split carved from TRAIN, a refit of the best configuration on all of TRAIN, and,
/// with --test, its test figures.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose hyperparameters on a validation split carved from the train file (an automatic search within a budget, or a grid), then refit and score on test.",
        discussion: """
            The validation split holds out a fraction of each user's TRAIN interactions (seeded); \
            every configuration is trained on the rest and scored on it. The test file is only \
            read to score the refitted best configuration, never to choose it.

            Without --grid, the search is automatic: it searches every hyperparameter that matters \
            for the mode and that no flag fixes (factors, λ plain and frequency-scaled, α and the \
            confidence kind, popularity-weighted missing data, the bias λ, the solver, the \
            iterations), within --budget seconds of wall clock for the search and the refit. It \
            places λ and α at a small factor count by successive halving over a Latin hypercube \
            on log scales, refines around the best, then doubles the factor count while the \
            validation figure improves and the budget allows. A flag (--factors 128, --alpha 10, \
            …) fixes that value. Seeded: the same command gives the same choice while the plan \
            fits the budget.

            With --grid name=v1,v2,… (repeatable), every point of the grid is trained, the other \
            values coming from the flags and the mode's defaults. With --grid and --budget \
            together, the grid's axes are fixed to their values and the rest is searched.

            Grid names: factors, regularization, alpha, iterations, bias-regularization, \
            confidence-epsilon, cg-steps, wals-w0, wals-wk, wals-exponent, missing-weight-exponent, \
            regularization-exponent, regularization-alpha0.

            Examples:
              als tune train.tsv --test test.tsv --metric ndcg@10 --budget 2m --save-best best.json
              als train train.tsv --config best.json --output m.als
              als tune train.tsv --test test.tsv --mode explicit --metric rmse --format json
              als tune train.tsv --test test.tsv --grid factors=64,128 \\
                --grid regularization=1,10,100 --metric ndcg@10
            """)

    @Argument(help: "The train split file (TSV, or LightGCN's train.txt with a .txt --test).")
    var train: String

    @Option(help: "The test split file: the refitted best configuration is scored on it (never used to choose).")
    var test: String?

    @OptionGroup var training: TrainingOptions

    @Option(name: .customLong("grid"), help: ArgumentHelp("One axis of the grid, name=v1,v2,… (repeatable).", valueName: "name=values"))
    var grids: [String] = []

    @Option(help: ArgumentHelp("Wall-clock budget of the automatic search and the refit: 90s, 2m, 1.5h or seconds (default: 60 s plus 300 s per million train interactions, at most 1 h).", valueName: "duration"))
    var budget: String?

    @Option(help: "Seed of the automatic search's sampled configurations.")
    var searchSeed: UInt64 = 1

    @OptionGroup var validation: ValidationOptions
    @OptionGroup var scoring: ScoringOptions

    @Option(help: "Output format: pretty, csv (the trials), json (one object) or markdown.")
    var format: TableFormat = .pretty

    @Option(help: ArgumentHelp("Write the best configuration as JSON to this file (read back by 'als train --config').", valueName: "file.json"))
    var saveBest: String?

    @Option(help: ArgumentHelp("Write the model refitted on all of TRAIN to this file.", valueName: "file"))
    var saveModel: String?

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        if training.config != nil {
            throw ValidationError("--config fixes every hyperparameter, and als tune searches them: drop --config and give the values to keep fixed as flags.")
        }
        _ = try parsedGrid()
        if let budget, Self.seconds(budget) == nil {
            throw ValidationError("--budget '\(budget)' is not a duration; write 90s, 2m, 1.5h or a number of seconds (> 0).")
        }
    }

    func run() throws {
        StandardOutput.print(try report(), terminator: "")
    }

    /// The `--grid` axes.
    func parsedGrid() throws -> HyperparameterGrid {
        do { return HyperparameterGrid(try grids.map { try HyperparameterGrid.axis(parsing: $0) }) } catch let e as ALSError {
            throw ValidationError(e.description)
        }
    }

    /// Parses `90s`, `2m`, `1.5h` or a plain number of seconds; nil unless positive and finite.
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var value: Double? = Double(t)
        for (suffix, scale) in units where value == nil && t.hasSuffix(suffix) {
            value = Double(t.dropLast(suffix.count)).map { $0 * scale }
        }
        guard let v = value, v > 0, v.isFinite else { return nil }
        return v
    }

    /// Runs the search, the refit and the test scoring; returns what goes to standard output.
    func report() throws -> String {
        try checkOutputPaths(saveBest, saveModel)
        // The search and the refit see TRAIN alone, with id maps of its own: TEST's ids must not
        // enter the item universe the trials rank, nor their factor initialisation. (A LightGCN
        // .txt pair is read together, as its reader needs.)
        let trainOnly: InteractionMatrix
        if let test, train.hasSuffix(".txt"), test.hasSuffix(".txt") {
            trainOnly = try loadSplit(train: train, test: test, binarizeThreshold: scoring.binarizeThreshold).train
        } else {
            let m = try SplitFiles.load([train])[0]
            trainOnly = try scoring.binarizeThreshold.map { try m.signed(threshold: $0) } ?? m
        }
        let data = DataSplit(train: trainOnly, test: trainOnly)
        let mode = training.resolvedMode
        let metric = validation.metric(for: mode)
        let grid = try parsedGrid()
        let outcome = grid.axes.isEmpty || budget != nil
            ? try automatic(data.train, metric: metric, grid: grid) : try gridSearch(data.train, metric: metric, grid: grid)
        guard let bestIndex = outcome.best, let bestValue = outcome.trials[bestIndex].value else {
            let reasons = Set(outcome.trials.compactMap(\.failure)).sorted().joined(separator: "; ")
            throw ValidationError("no configuration trained: \(reasons.isEmpty ? "the budget ran out before the first one finished; raise --budget" : reasons)")
        }
        let best = outcome.trials[bestIndex].configuration
        if let saveBest {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try ALSFile.write(String(decoding: try encoder.encode(best), as: UTF8.self), to: saveBest)
        }
        let v = outcome.validation ?? data
        var summary = [outcome.searchLine,
                       "validation: \(validation.percent)% of each user's train interactions (seed \(validation.splitSeed)): \(v.train.nonZeros) fit, \(v.test.nonZeros) validation",
                       "best: \(outcome.trials[bestIndex].label ?? Self.describe(best, varying: outcome.varying)) (validation \(metric) \(fixed(bestValue))\(outcome.trials[bestIndex].confirmation.map { ", \(fixed($0)) on a second validation split" } ?? ""))"]
        if let saveBest { summary.append("wrote \(saveBest): train it with 'als train \(train) --config \(saveBest) --output model.als'") }

        // Refit on all of TRAIN when the model is used: scored on TEST, or saved.
        var testFigures: [(String, Double)]? = nil
        if test != nil || saveModel != nil {
            if !quiet { writeStandardError("refitting the best configuration on all \(data.train.nonZeros) train interactions") }
            let model = try ALSTrainer(best).fit(data.train)
            if let saveModel {
                try model.save(to: URL(fileURLWithPath: saveModel))
                summary.append("wrote \(saveModel)")
            }
            if let test {
                // TEST is read only now, after the choice, and re-indexed over the model's ids.
                let joint = try loadSplit(train: train, test: test, binarizeThreshold: scoring.binarizeThreshold)
                let figures = try self.testFigures(model, try model.aligned(joint).split, metric: metric, clamp: try scoring.bounds(for: trainOnly))
                testFigures = figures.values
                summary.append("the test file was read only to score this refitted configuration; it did not influence the choice")
                summary.append("test: " + figures.text)
            }
        }
        let seconds = outcome.elapsed()
        summary.append("seconds: \(String(format: "%.1f", seconds)) in all" + (outcome.budget.map { " (budget \(String(format: "%.0f", $0)) s)" } ?? ""))
        switch format {
        case .json:
            return try jsonReport(outcome, best: best, bestValue: bestValue, metric: metric, test: testFigures, seconds: seconds)
        case .csv:
            return outcome.table(metric: metric).render(.csv)
        case .pretty, .markdown:
            return outcome.table(metric: metric).render(format) + "\n" + summary.joined(separator: "\n") + "\n"
        }
    }

    /// The automatic search.
    private func automatic(_ train: InteractionMatrix, metric: EvaluationMetric, grid: HyperparameterGrid) throws -> TuneOutcome {
        let budget = budget.flatMap(Self.seconds) ?? AutoSearch.defaultBudget(nonZeros: train.nonZeros)
        var base = try training.configuration()
        // A --grid axis is fixed at each of its values in turn: each value is its own search.
        let fixedAxes = training.given.union(grid.axes.map(\.parameter))
        let points = grid.points
        if !quiet {
            writeStandardError("als tune: automatic search for \(metric) within \(String(format: "%.0f", budget)) s (\(budget == self.budget.flatMap(Self.seconds) ? "--budget" : "the default for \(train.nonZeros) interactions")); the test file is read only after the choice, to score it")
        }
        let line = LiveLine(enabled: !quiet)
        var outcome = TuneOutcome(metric: metric, budget: budget)
        outcome.varying = Self.searched(base.mode, fixed: training.given).filter { !grid.axes.map(\.parameter).contains($0) } + grid.axes.map(\.parameter)
        for point in points {
            for (p, value) in point { p.apply(value, to: &base) }
            var search = AutoSearch(base: base, fixed: fixedAxes, metric: metric, budget: budget / Double(points.count))
            search.keepConfidence = training.confidenceGiven
            search.keepSolver = training.solverGiven
            search.seed = searchSeed
            search.validationFraction = validation.validationFraction
            search.splitSeed = validation.splitSeed
            search.clamp = try scoring.bounds(for: train)
            let result = try search.run(train: train) { status in
                let best = status.best.map { "best \(metric) \(fixed($0))" } ?? "no figure yet"
                line.update("trial \(status.trials) (\(status.phase.rawValue))  \(best)  \(String(format: "%.0f", status.remaining)) s left", important: false)
            }
            outcome.add(result)
        }
        line.finish()
        return outcome
    }

    /// Every point of the grid, as `als tune --grid` always did.
    private func gridSearch(_ train: InteractionMatrix, metric: EvaluationMetric, grid: HyperparameterGrid) throws -> TuneOutcome {
        var search = GridSearch(base: try training.configuration(), grid: grid, metric: metric)
        search.keepSolver = training.solverGiven
        search.validationFraction = validation.validationFraction
        search.seed = validation.splitSeed
        search.clamp = try scoring.bounds(for: train)
        let bar = ProgressBar(total: search.grid.count, enabled: !quiet)
        let result = try search.run(train: train) { done, _, trial in
            bar.update(done, status: "\(Self.describe(trial.point)) → \(metric) \(trial.value.map(fixed) ?? "failed")")
        }
        bar.finish()
        var outcome = TuneOutcome(metric: metric, budget: nil)
        outcome.add(result, axes: grid.axes.map(\.parameter))
        return outcome
    }

    private func jsonReport(_ outcome: TuneOutcome, best: ALSConfiguration, bestValue: Double, metric: EvaluationMetric,
                            test: [(String, Double)]?, seconds: Double) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .throw
        func object<T: Encodable>(_ value: T) throws -> Any {
            try JSONSerialization.jsonObject(with: try encoder.encode(value), options: [.fragmentsAllowed])
        }
        var trials: [[String: Any]] = []
        for t in outcome.trials {
            var o: [String: Any] = ["configuration": try object(t.configuration), "seconds": t.seconds]
            if let v = t.value, v.isFinite { o[metric.description] = v }
            if let phase = t.phase { o["phase"] = phase }
            if let n = t.number { o["number"] = n }
            if let n = t.iterationsTrained { o["iterations_trained"] = n }
            if let f = t.failure { o["failure"] = f }
            if let c = t.confirmation, c.isFinite { o["confirmation"] = c }
            trials.append(o)
        }
        var root: [String: Any] = [
            "best": try object(best),
            "metric": metric.description,
            "validation": [metric.description: bestValue],
            "validation_split": ["fraction": validation.validationFraction, "seed": validation.splitSeed,
                                 "fit_interactions": outcome.validation?.train.nonZeros ?? 0,
                                 "validation_interactions": outcome.validation?.test.nonZeros ?? 0],
            "trials": trials,
            "search": outcome.budget == nil ? "grid" : "automatic",
            "seconds": seconds,
            "test_used_for_choice": false,
        ]
        root["budget_seconds"] = outcome.budget ?? NSNull()
        root["budget_cut"] = outcome.budgetCut
        if let test {
            root["test"] = Dictionary(test.filter { $0.1.isFinite }, uniquingKeysWith: { a, _ in a })
        } else {
            root["test"] = NSNull()
        }
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The refitted model's test figures, keyed by the lower-case metric names (`ndcg@10`,
    /// `rmse`, …), and as one line of text: every ranking figure at the metric's K, or RMSE, MAE
    /// and, for ±1 preferences (--binarize-threshold), sign accuracy (on 1–5 stars it is
    /// trivially 1, so it is left out there, as `als evaluate` does).
    private func testFigures(_ model: ALSModel, _ data: DataSplit, metric: EvaluationMetric,
                             clamp: ClosedRange<Float>?) throws -> (values: [(String, Double)], text: String) {
        if let k = metric.k {
            let m = try RankingEvaluator(train: data.train, test: data.test).evaluate(k: k, model: model)
            let figures = rankingFigures(m)
            let values = figures.map { (Self.metricKey($0.0) + "@\(k)", $0.1) }
            return (values, figures.map { "\($0.0)@\(k) \(fixed($0.1))" }.joined(separator: "  ") + "  (\(m.users) users)")
        }
        let m = try evaluateRatings(model: model, train: data.train, test: data.test, clamp: clamp)
        var values = [("rmse", m.rmse), ("mae", m.mae)]
        if scoring.binarizeThreshold != nil { values.append(("sign-accuracy", m.signAccuracy)) }
        let sign = scoring.binarizeThreshold == nil ? "" : "  sign accuracy \(fixed(m.signAccuracy))"
        return (values, "RMSE \(fixed(m.rmse))  MAE \(fixed(m.mae))\(sign)  (\(m.count) ratings)")
    }

    /// `CappedRecall` → `capped-recall`, `HitRate` → `hit-rate`, `NDCG` → `ndcg`: the `--metric` spelling.
    static func metricKey(_ title: String) -> String {
        switch title {
        case "CappedRecall": return "capped-recall"
        case "HitRate": return "hit-rate"
        default: return title.lowercased()
        }
    }

    static func format(_ v: Double, _ p: HyperparameterGrid.Parameter) -> String {
        p.isInteger ? String(Int(v)) : String(format: "%g", v)
    }

    static func describe(_ point: HyperparameterGrid.Point) -> String {
        point.isEmpty ? "base configuration" : point.map { "\($0.parameter.rawValue)=\(format($0.value, $0.parameter))" }.joined(separator: " ")
    }

    /// The hyperparameters the automatic search varies for `mode` when `fixed` are given.
    static func searched(_ mode: ALSConfiguration.Mode, fixed: Set<HyperparameterGrid.Parameter>) -> [HyperparameterGrid.Parameter] {
        var all: [HyperparameterGrid.Parameter] = [.factors, .regularization, .regularizationExponent, .iterations]
        switch mode {
        case .implicit: all += [.alpha, .missingWeightExponent]
        case .explicit: all += [.biasRegularization]
        case .dense, .weighted: break
        }
        return all.filter { !fixed.contains($0) }
    }

    /// `factors=128 regularization=1 …` for the parameters in `varying` (and the confidence and
    /// solver, which are not grid parameters).
    static func describe(_ c: ALSConfiguration, varying: [HyperparameterGrid.Parameter]) -> String {
        var parts = varying.map { p -> String in "\(p.rawValue)=\(TuneOutcome.value(p, c))" }
        if c.mode == .implicit { parts.append("confidence=\(c.confidence.rawValue)") }
        parts.append("solver=\(c.solver.rawValue)")
        return parts.joined(separator: " ")
    }
}

/// The trials of a search, automatic or grid, as `als tune` prints them.
struct TuneOutcome {
    struct Trial {
        var number: Int?
        var phase: String?
        var configuration: ALSConfiguration
        var value: Double?
        var iterationsTrained: Int?
        var seconds: Double
        var failure: String?
        /// The figure on the second validation split (automatic search finalists).
        var confirmation: Double? = nil
        /// The grid point, `regularization=1 alpha=10`, for a grid search.
        var label: String? = nil
    }

    let metric: EvaluationMetric
    let budget: Double?
    let start = Date()
    var trials: [Trial] = []
    var best: Int? = nil
    var validation: DataSplit? = nil
    var budgetCut = false
    /// The parameters whose values differ between trials (the table's columns).
    var varying: [HyperparameterGrid.Parameter] = []

    init(metric: EvaluationMetric, budget: Double?) {
        self.metric = metric
        self.budget = budget
    }

    func elapsed() -> Double { Date().timeIntervalSince(start) }

    var searchLine: String {
        guard let budget else { return "search: grid of \(trials.count) points" }
        let phases = ["placement", "refinement", "capacity", "polish"].map { p in "\(trials.filter { $0.phase == p }.count) \(p)" }
        return "search: automatic, \(trials.count) trials (\(phases.joined(separator: ", "))) within a budget of \(String(format: "%.0f", budget)) s; \(trials.filter { $0.confirmation != nil }.count) finalists confirmed on a second validation split" + (budgetCut ? "; the budget cut the plan short (a larger --budget may choose better)" : "")
    }

    mutating func add(_ r: AutoSearch.Result) {
        let offset = trials.count
        for t in r.trials {
            trials.append(Trial(number: offset + t.number, phase: t.phase.rawValue, configuration: t.configuration, value: t.value,
                                iterationsTrained: t.iterationsTrained, seconds: t.seconds, failure: t.failure,
                                confirmation: t.confirmation))
        }
        if let b = r.best, best.flatMap({ trials[$0].value }).map({ metric.isBetter(trials[offset + b].value!, than: $0) }) ?? true {
            best = offset + b
        }
        validation = r.validation
        budgetCut = budgetCut || r.budgetCut
    }

    mutating func add(_ r: GridSearch.Result, axes: [HyperparameterGrid.Parameter]) {
        for t in r.trials {
            trials.append(Trial(number: trials.count + 1, configuration: t.configuration, value: t.value, seconds: t.seconds,
                                failure: t.failure, label: TuneCommand.describe(t.point)))
        }
        best = r.best
        validation = r.validation
        varying = axes
    }

    /// A parameter's value in `c`, as the table prints it.
    static func value(_ p: HyperparameterGrid.Parameter, _ c: ALSConfiguration) -> String {
        func g(_ x: Float) -> String { String(format: "%.4g", x) }
        switch p {
        case .factors: return String(c.factors)
        case .regularization: return g(c.regularization)
        case .alpha: return g(c.alpha)
        case .iterations: return String(c.iterations)
        case .biasRegularization: return g(c.biasRegularization ?? c.regularization)
        case .confidenceEpsilon: return g(c.confidenceEpsilon)
        case .cgSteps: return String(c.cgSteps)
        case .missingWeightExponent: return g(c.missingWeightExponent)
        case .regularizationExponent: return g(c.regularizationExponent)
        case .regularizationAlpha0: return g(c.regularizationAlpha0)
        case .walsW0, .walsWk, .walsExponent:
            switch c.walsWeighting {
            case let .linear(w0, wk): return p == .walsW0 ? g(w0) : p == .walsWk ? g(wk) : "-"
            case let .exponential(w0, e): return p == .walsW0 ? g(w0) : p == .walsExponent ? g(e) : "-"
            }
        }
    }

    func table(metric: EvaluationMetric) -> ResultTable {
        let auto = budget != nil
        let extra = auto && trials.first?.configuration.mode == .implicit ? ["confidence"] : []
        var table = ResultTable(columns: (auto ? ["trial", "phase"] : []) + varying.map(\.rawValue) + extra
                                + (auto ? ["solver"] : []) + ["\(metric)"] + (auto ? ["second split"] : []) + ["seconds", "best"])
        for (j, t) in trials.enumerated() {
            var row = auto ? [String(t.number ?? j + 1), t.phase ?? ""] : []
            row += varying.map { Self.value($0, t.configuration) }
            if !extra.isEmpty { row.append(t.configuration.confidence.rawValue) }
            if auto { row.append(t.configuration.solver.rawValue) }
            // "-": pruned before a counted figure; "cut": stopped by the deadline; "failed": an error.
            row.append(t.value.map(fixed) ?? (t.failure == nil ? "-" : t.failure == AutoSearch.Trial.stoppedByBudget ? "cut" : "failed"))
            if auto { row.append(t.confirmation.map(fixed) ?? "") }
            row += [String(format: "%.1f", t.seconds), j == best ? "*" : ""]
            table.add(row)
        }
        return table
    }
}

/// One live status line on standard error: redrawn in place on a terminal; elsewhere (a log, a
/// pipe) printed at most every ten seconds, so logs stay short.
final class LiveLine {
    let enabled: Bool
    let isTerminal = isatty(2) != 0
    private var lastPrinted = 0.0
    private let start = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ text: String, important: Bool) {
        guard enabled else { return }
        let now = Date().timeIntervalSince(start)
        if isTerminal {
            var line = "\r\u{1B}[K" + text
            line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
        } else if important || now - lastPrinted >= 10 {
            lastPrinted = now
            writeStandardError(text)
        }
    }

    func finish() {
        guard enabled, isTerminal else { return }
        var line = "\n"
        line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
    }
}

/// How a validation split is carved from TRAIN and scored (`als tune`, `als plot loss`).
struct ValidationOptions: ParsableArguments {
    @Option(help: "The figure to score by: ndcg@K, recall@K, precision@K, capped-recall@K, map@K, hit-rate@K, rmse, mae or sign-accuracy (default: rmse in explicit mode, ndcg@10 otherwise).")
    var metric: String?

    @Option(help: "Fraction of each user's train interactions held out for validation.")
    var validationFraction: Double = Splits.defaultValidationFraction

    @Option(help: "Seed of the validation split.")
    var splitSeed: UInt64 = 1

    func validate() throws {
        if let metric, EvaluationMetric(metric) == nil {
            throw ValidationError("--metric '\(metric)' is not one of ndcg@K, recall@K, precision@K, capped-recall@K, map@K, hit-rate@K, rmse, mae, sign-accuracy.")
        }
        guard validationFraction > 0, validationFraction < 1 else { throw ValidationError("--validation-fraction must be in (0, 1).") }
    }

    /// The chosen metric, or the mode's default: RMSE for explicit ratings, NDCG@10 otherwise.
    func metric(for mode: ALSConfiguration.Mode) -> EvaluationMetric {
        metric.flatMap(EvaluationMetric.init) ?? (mode == .explicit ? .rmse : .ndcg(k: 10))
    }

    var percent: Int { Int((validationFraction * 100).rounded()) }
}

/// How ratings are read and predictions bounded before scoring (`als tune`, `als evaluate`,
/// `als plot loss`).
struct ScoringOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Bound rating predictions to MIN,MAX for the rating metrics, e.g. 1,5; none for no bound (default: the train file's lowest and highest value, as Surprise clamps to the rating scale).", valueName: "min,max"))
    var clamp: String?

    @Option(help: "Turn ratings into ±1 preferences first: ≥ this value is +1, else −1.")
    var binarizeThreshold: Float?

    func validate() throws { _ = try bounds() }

    /// The `--clamp` range: the given one, nil for `none`, or (without `--clamp`) the lowest to
    /// the highest value of `train`, the rating scale as the data shows it.
    func bounds(for train: InteractionMatrix) throws -> ClosedRange<Float>? {
        if clamp == nil, let low = train.byUser.values.min(), let high = train.byUser.values.max() { return low ... high }
        return try bounds()
    }

    /// The `--clamp` range given, or nil (also for `none`).
    func bounds() throws -> ClosedRange<Float>? {
        guard let clamp, clamp.lowercased() != "none" else { return nil }
        let parts = clamp.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts[0] <= parts[1] else {
            throw ValidationError("--clamp takes MIN,MAX with MIN ≤ MAX, as 1,5 (got '\(clamp)').")
        }
        return parts[0] ... parts[1]
    }
}

/// A progress bar on standard error. On a terminal it redraws one line (`[#####-----] 5/10 …`);
/// otherwise (a log file, a pipe) it prints one line per step, so logs stay readable.
final class ProgressBar {
    let total: Int
    let enabled: Bool
    let start = DispatchTime.now().uptimeNanoseconds
    /// The one status line both `als tune` searches draw.
    private let line: LiveLine

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
        line = LiveLine(enabled: enabled)
    }

    func update(_ done: Int, status: String) {
        guard enabled else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        // Every step counts: off a terminal each one gets its own line.
        line.update("[\(bar)] \(done)/\(total)  \(String(format: "%.0f", elapsed)) s, eta \(String(format: "%.0f", eta)) s  \(status)",
                    important: true)
    }

    func finish() { line.finish() }
}

/// Writes a line to standard error (file descriptor 2, unbuffered, so it interleaves with the
/// progress bar in order).
func writeStandardError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
}
