@_spi(Engine) import ALS
import ArgumentParser
import Foundation

/// `als train FILE --output MODEL`: trains a model on a ratings or interactions file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an ALS model on an interactions file and save it.",
        discussion: """
            Prints one progress line per iteration (loss, seconds) on standard error. With \
            --format json, standard output is one JSON object instead of the closing line: the \
            configuration, each iteration's loss and seconds, the matrix's rows, columns and \
            non-zeros, the seconds taken and the output path. --report FILE writes that object to \
            FILE.

            Without hyperparameter flags, every value is the library's recommended one for the \
            mode; --config starts from a configuration written by 'als tune --save-best', and \
            flags given as well override it.

            Examples:
              als train ratings.tsv --mode explicit --output m.als
              als train plays.csv --alpha 10 --regularization 2 --solver cg --output m.als
              als train train.tsv --config best.json --output m.als
            """)

    @Argument(help: "The interactions file (u.data, ratings.csv, ratings.dat, TSV/CSV, adjacency list, .mtx or a cache).")
    var file: String

    @OptionGroup var input: InputOptions
    @OptionGroup var training: TrainingOptions

    @Option(name: .shortAndLong, help: "Where to write the model.")
    var output: String

    @Option(help: ArgumentHelp("Also write the factors as an .npz that Python implicit's `load` accepts.", valueName: "file"))
    var exportNpz: String?

    @Flag(inversion: .prefixedNo,
          help: "Compute the loss after every iteration (--no-loss skips it, as implicit's calculate_training_loss=False; progress then shows no loss).")
    var loss = true

    @Flag(inversion: .prefixedNo,
          help: "Keep the training interactions in the model, so that 'als recommend' leaves each user's seen items out (--no-seen saves 4 bytes per interaction; recommend then needs --exclude-seen DATA or --include-seen).")
    var seen = true

    @Option(help: "What to print on standard output when done: text (one line) or json (one object: configuration, per-iteration loss and seconds, final figures).")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Also write the JSON report to this file.", valueName: "file.json"))
    var report: String?

    func validate() throws {
        if !loss, training.earlyStop != nil {
            throw ValidationError("--early-stop watches the loss: drop --no-loss, or drop --early-stop.")
        }
    }

    func run() throws {
        StandardOutput.print(try train(), terminator: "")
    }

    /// Loads, trains, saves, writes `--report`, and returns what standard output gets: the
    /// closing line, or the JSON object with `--format json`.
    func train() throws -> String {
        let total = Stopwatch()
        try checkOutputPaths(output, exportNpz, report)
        let loaded = try input.load(file)
        let loadSeconds = total.seconds
        let data = loaded.matrix
        var config = try training.configuration()
        config.computeLoss = loss
        if !input.quiet {
            InputOptions.printToStandardError("OpenBLAS core: \(ALSRuntime.openBLASCoreName), threads: \(ALSRuntime.threads(config.threads))")
            InputOptions.printToStandardError(
                "training \(config.mode.rawValue) ALS: \(data.users) users × \(data.items) items, \(data.nonZeros) interactions, k = \(config.factors), λ = \(config.regularization), \(config.solver.rawValue)")
        }
        var iterations: [TrainReport.Iteration] = []
        let fit = Stopwatch()
        let model = try ALSTrainer(config).fit(data) { p in
            iterations.append(TrainReport.Iteration(p))
            if !input.quiet { printProgress(p) }
        }
        let trainingSeconds = fit.seconds
        try model.save(to: URL(fileURLWithPath: output), includeSeenItems: seen)
        if let exportNpz { try model.exportNPZ(to: URL(fileURLWithPath: exportNpz)) }
        if format == .json || report != nil {
            let json = try jsonReport(TrainReport(
                file: file, inputFormat: loaded.format.rawValue, configuration: config,
                threads: ALSRuntime.threads(config.threads), iterations: iterations, rows: data.users,
                columns: data.items, nonZeros: data.nonZeros, finalLoss: Nullable(model.lossHistory.last?.finite),
                loadSeconds: loadSeconds, trainingSeconds: trainingSeconds, seconds: total.seconds,
                output: output, npz: Nullable(exportNpz)))
            if let report { try writeReport(json, to: report) }
            if format == .json { return json }
        }
        return "wrote \(output): \(model.users) users, \(model.items) items, k = \(model.factors), final loss \(model.lossHistory.last.map { String(format: "%.6e", $0) } ?? "-")\n"
    }
}
