import ALS
import ArgumentParser
import Foundation

/// `als train FILE --output MODEL`: trains a model on a ratings or interactions file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an ALS model on an interactions file and save it.",
        discussion: """
            Prints one progress line per iteration (loss, seconds) on standard error.

            Examples:
              als train ratings.tsv --mode explicit --biases --factors 32 \\
                --regularization 5 --output m.als
              als train plays.csv --mode implicit --alpha 10 --regularization 50 \\
                --solver cg --output m.als
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

    func validate() throws {
        if !loss, training.earlyStop != nil {
            throw ValidationError("--early-stop watches the loss: drop --no-loss, or drop --early-stop.")
        }
    }

    func run() throws {
        try checkOutputPaths(output, exportNpz)
        let loaded = try input.load(file)
        let data = loaded.matrix
        var config = try training.configuration()
        config.computeLoss = loss
        if !input.quiet {
            InputOptions.printToStandardError("OpenBLAS core: \(ALSRuntime.openBLASCoreName), threads: \(ALSRuntime.threads(config.threads))")
            InputOptions.printToStandardError(
                "training \(config.mode.rawValue) ALS: \(data.users) users × \(data.items) items, \(data.nonZeros) interactions, k = \(config.factors), λ = \(config.regularization), \(config.solver.rawValue)")
        }
        let model = try ALSTrainer(config).fit(data) { p in if !input.quiet { printProgress(p) } }
        try model.save(to: URL(fileURLWithPath: output))
        if let exportNpz { try model.exportNPZ(to: URL(fileURLWithPath: exportNpz)) }
        StandardOutput.print("wrote \(output): \(model.users) users, \(model.items) items, k = \(model.factors), final loss \(model.lossHistory.last.map { String(format: "%.6e", $0) } ?? "-")")
    }
}
