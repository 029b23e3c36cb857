import ALS
import ArgumentParser
import Foundation
import Glibc

/// `als tune TRAIN [--test TEST]`: a grid search on a validation split carved from TRAIN, a refit
/// of the best configuration on all of TRAIN, and, with --test, its test figures.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose hyperparameters by grid search on a validation split carved from the train file, then refit and score on test.",
        discussion: """
            The validation split holds out a fraction of each user's TRAIN interactions (seeded); \
            every grid point is trained on the rest and scored on it. The test file is only read \
            to score the refitted best configuration, never to choose it. \
            A grid is one or more --grid name=v1,v2,… flags; the other values come from the \
            training flags (--mode, --factors, …). Without --grid, λ is searched over \
            0.01,0.1,1,10,100 (and α over 0.1,1,10,100 in implicit mode).

            Grid names: factors, regularization, alpha, iterations, bias-regularization, \
            confidence-epsilon, cg-steps, wals-w0, wals-wk, wals-exponent, missing-weight-exponent, \
            regularization-exponent, regularization-alpha0.

            Examples:
              als tune train.tsv --test test.tsv --mode implicit --grid factors=64,128 \\
                --grid regularization=1,10,100 --grid alpha=1,10,40 --metric ndcg@10
              als tune train.tsv --test test.tsv --mode explicit --biases --metric rmse \\
                --clamp 1,5 --save-best best.json
            """)

    @Argument(help: "The train split file (TSV, or LightGCN's train.txt with a .txt --test).")
    var train: String

    @Option(help: "The test split file: the refitted best configuration is scored on it.")
    var test: String?

    @OptionGroup var training: TrainingOptions

    @Option(name: .customLong("grid"), help: ArgumentHelp("One axis of the grid, name=v1,v2,… (repeatable).", valueName: "name=values"))
    var grids: [String] = []

    @OptionGroup var validation: ValidationOptions
    @OptionGroup var scoring: ScoringOptions

    @Option(help: "Results table format: pretty, csv, json or markdown.")
    var format: TableFormat = .pretty

    @Option(help: ArgumentHelp("Write the best configuration as JSON to this file.", valueName: "file.json"))
    var saveBest: String?

    @Option(help: ArgumentHelp("Write the model refitted on all of TRAIN to this file.", valueName: "file"))
    var saveModel: String?

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        for g in grids {
            do { _ = try HyperparameterGrid.axis(parsing: g) } catch let e as ALSError { throw ValidationError(e.description) }
        }
    }

    func run() throws {
        StandardOutput.print(try report(), terminator: "")
    }

    var grid: HyperparameterGrid {
        get throws {
            grids.isEmpty ? .defaults(for: training.mode) : HyperparameterGrid(try grids.map { try HyperparameterGrid.axis(parsing: $0) })
        }
    }

    /// Runs the search, the refit and the test scoring; returns what goes to standard output.
    func report() throws -> String {
        try checkOutputPaths(saveBest, saveModel)
        let data: DataSplit
        if let test {
            data = try loadSplit(train: train, test: test, binarizeThreshold: scoring.binarizeThreshold)
        } else {
            let m = try SplitFiles.load([train])[0]
            data = DataSplit(train: try scoring.binarizeThreshold.map { try m.signed(threshold: $0) } ?? m, test: m)
        }
        let metric = validation.metric(for: training.mode)
        var search = GridSearch(base: try training.configuration(), grid: try grid, metric: metric)
        search.validationFraction = validation.validationFraction
        search.seed = validation.splitSeed
        search.clamp = try scoring.bounds()
        let bar = ProgressBar(total: search.grid.count, enabled: !quiet)
        let result = try search.run(train: data.train) { done, _, trial in
            bar.update(done, status: "\(describe(trial.point)) → \(metric) \(trial.value.map(fixed) ?? "failed")")
        }
        bar.finish()

        var out = ""
        var table = ResultTable(columns: search.grid.axes.map(\.parameter.rawValue) + ["\(metric)", "seconds", "best"])
        for (j, t) in result.trials.enumerated() {
            table.add(t.point.map { format($0.value, $0.parameter) } + [t.value.map(fixed) ?? "failed",
                                                                      String(format: "%.1f", t.seconds), j == result.best ? "*" : ""])
        }
        guard let bestIndex = result.best else {
            let reasons = Set(result.trials.compactMap(\.failure)).sorted().joined(separator: "; ")
            throw ValidationError("every grid point failed to train: \(reasons)")
        }
        let best = result.trials[bestIndex]
        if let saveBest {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try ALSFile.write(String(decoding: try encoder.encode(best.configuration), as: UTF8.self), to: saveBest)
        }
        let v = result.validation
        var summary = ["validation: \(validation.percent)% of each user's train interactions (seed \(validation.splitSeed)): \(v.train.nonZeros) fit, \(v.test.nonZeros) validation",
                       "best: \(describe(best.point)) (validation \(metric) \(fixed(best.value!)))"]

        // Refit on all of TRAIN when the model is used: scored on TEST, or saved.
        if test != nil || saveModel != nil {
            if !quiet { writeStandardError("refitting the best configuration on all \(data.train.nonZeros) train interactions") }
            let model = try ALSTrainer(best.configuration).fit(data.train)
            if let saveModel {
                try model.save(to: URL(fileURLWithPath: saveModel))
                summary.append("wrote \(saveModel)")
            }
            if test != nil {
                summary.append("test: " + (try testFigures(model, data, metric: metric, clamp: search.clamp)))
            }
        }
        if format == .json {
            out = "{\n\"trials\": " + table.render(.json) + ",\n" + "\"summary\": [" + summary.map(jsonString).joined(separator: ", ") + "]\n}\n"
        } else {
            out = table.render(format) + (format == .csv ? "" : "\n" + summary.joined(separator: "\n") + "\n")
        }
        return out
    }

    /// The refitted model's test figures: every ranking figure at the metric's K, or RMSE, MAE
    /// and, for ±1 preferences (--binarize-threshold), sign accuracy (on 1–5 stars it is
    /// trivially 1, so it is left out there, as `als evaluate` does).
    private func testFigures(_ model: ALSModel, _ data: DataSplit, metric: EvaluationMetric,
                             clamp: ClosedRange<Float>?) throws -> String {
        if let k = metric.k {
            let m = try RankingEvaluator(train: data.train, test: data.test).evaluate(k: k, model: model)
            return rankingFigures(m).map { "\($0.0)@\(k) \(fixed($0.1))" }.joined(separator: "  ") + "  (\(m.users) users)"
        }
        let m = try evaluateRatings(model: model, train: data.train, test: data.test, clamp: clamp)
        let sign = scoring.binarizeThreshold == nil ? "" : "  sign accuracy \(fixed(m.signAccuracy))"
        return "RMSE \(fixed(m.rmse))  MAE \(fixed(m.mae))\(sign)  (\(m.count) ratings)"
    }

    private func format(_ v: Double, _ p: HyperparameterGrid.Parameter) -> String {
        p.isInteger ? String(Int(v)) : String(format: "%g", v)
    }

    private func describe(_ point: HyperparameterGrid.Point) -> String {
        point.isEmpty ? "base configuration" : point.map { "\($0.parameter.rawValue)=\(format($0.value, $0.parameter))" }.joined(separator: " ")
    }
}

/// How a validation split is carved from TRAIN and scored (`als tune`, `als plot loss`).
struct ValidationOptions: ParsableArguments {
    @Option(help: "The figure to score by: ndcg@K, recall@K, precision@K, capped-recall@K, map@K, hit-rate@K, rmse, mae or sign-accuracy (default: rmse in explicit mode, ndcg@10 otherwise).")
    var metric: String?

    @Option(help: "Fraction of each user's train interactions held out for validation.")
    var validationFraction: Double = 0.2

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
    @Option(help: ArgumentHelp("Bound rating predictions to MIN,MAX for the rating metrics (Surprise clamps to the rating scale), e.g. 1,5.", valueName: "min,max"))
    var clamp: String?

    @Option(help: "Turn ratings into ±1 preferences first: ≥ this value is +1, else −1.")
    var binarizeThreshold: Float?

    func validate() throws { _ = try bounds() }

    /// The `--clamp` range, or nil.
    func bounds() throws -> ClosedRange<Float>? {
        guard let clamp else { return nil }
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
    let isTerminal: Bool
    let start = DispatchTime.now().uptimeNanoseconds

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
        isTerminal = isatty(2) != 0
    }

    func update(_ done: Int, status: String) {
        guard enabled else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let text = "[\(bar)] \(done)/\(total)  \(String(format: "%.0f", elapsed)) s, eta \(String(format: "%.0f", eta)) s  \(status)"
        if isTerminal {
            var line = "\r\u{1B}[K" + text
            line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
        } else {
            writeStandardError(text)
        }
    }

    func finish() {
        guard enabled, isTerminal else { return }
        var line = "\n"
        line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
    }
}

/// Writes a line to standard error (file descriptor 2, unbuffered, so it interleaves with the
/// progress bar in order).
func writeStandardError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
}
