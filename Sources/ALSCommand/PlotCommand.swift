@_spi(Engine) import ALS
import ALSPlot
import ArgumentParser
import Foundation

/// `als plot loss|embeddings`: SVG charts of training and of a trained model.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw SVG charts: convergence (loss and a validation metric per iteration) or a 2-D PCA map of item factors.",
        subcommands: [PlotLossCommand.self, PlotEmbeddingsCommand.self])
}

/// `als plot loss TRAIN --output FILE.svg`: the training loss per iteration and a validation
/// metric along the same run.
struct PlotLossCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: "Plot the training loss per iteration and a validation metric against iterations.",
        discussion: """
            Holds out --validation-fraction of each user's TRAIN interactions, trains on the rest \
            with the training flags and records the exact loss after every iteration. The trainer \
            reports no model between iterations, so the validation metric is measured by \
            retraining with 1, 2, 4, 8, … iterations and the full count, with the same seed:
            training is deterministic, so each retrain is exactly the full run stopped after that \
            many iterations. That costs about twice the full run and gives log-spaced points. \
            Also prints the figures as a table.

            Example:
              als plot loss train.tsv --mode implicit --factors 64 --regularization 10 \\
                --iterations 16 --output loss.svg
            """)

    @Argument(help: "The train split file (TSV).")
    var train: String

    @OptionGroup var training: TrainingOptions

    @OptionGroup var validation: ValidationOptions
    @OptionGroup var scoring: ScoringOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the chart.", valueName: "file.svg"))
    var output: String

    func run() throws {
        StandardOutput.print(try report(), terminator: "")
    }

    /// The iteration counts retrained for the validation metric: powers of two below `n`, and `n`.
    static func checkpoints(_ n: Int) -> [Int] {
        var c: [Int] = []
        var i = 1
        while i < n { c.append(i); i *= 2 }
        return c + [n]
    }

    func report() throws -> String {
        try checkOutputPaths(output)
        var data = try SplitFiles.load([train])[0]
        if let t = scoring.binarizeThreshold { data = try data.signed(threshold: t) }
        let metric = validation.metric(for: training.resolvedMode)
        let bounds = try scoring.bounds(for: data)
        let split = try Splits.validation(from: data, fraction: validation.validationFraction, seed: validation.splitSeed)
        var config = try training.configuration()
        config.computeLoss = true
        let full = try ALSTrainer(config).fit(split.train)
        var points: [(x: Double, y: Double)] = []
        for n in Self.checkpoints(config.iterations) {
            var c = config
            c.iterations = n
            let model = n == config.iterations ? full : try ALSTrainer(c).fit(split.train)
            points.append((Double(n), try metric.evaluate(model, on: split, clamp: bounds, threads: config.threads)))
        }
        let loss = full.lossHistory.enumerated().map { (x: Double($0.offset + 1), y: $0.element) }
        let scaled = config.regularizationExponent == 0 ? ""
            : " (ν = \(config.regularizationExponent), α₀ = \(config.regularizationAlpha0))"
        let title = "\(config.mode.rawValue) ALS, k = \(config.factors), λ = \(config.regularization)" + scaled
            + (config.mode == .implicit ? ", α = \(config.alpha)" : "")
        var top = LineChart(title: "Training loss: \(title)", xLabel: "iteration", yLabel: "loss (objective)",
                            series: [.init(name: "training loss", points: loss, markers: loss.count <= 30)])
        let positive = loss.allSatisfy { $0.y > 0 }
        if positive, let lo = loss.map(\.y).min(), let hi = loss.map(\.y).max(), hi > 20 * lo { top.yScale = .log10 }
        let bottom = LineChart(
            title: "Validation \(metric) (\(validation.percent)% of each user held out)",
            xLabel: "iterations (retrained with the same seed)", yLabel: "\(metric)",
            series: [.init(name: "validation \(metric)", points: points, color: Palette.categorical[1], markers: true)])
        var doc = SVGDocument(width: 760, height: 760)
        top.draw(into: &doc, x: 0, y: 0, width: 760, height: 380)
        bottom.draw(into: &doc, x: 0, y: 380, width: 760, height: 380)
        try ALSFile.write(doc.rendered, to: output)

        var table = ResultTable(columns: ["iteration", "loss", "validation \(metric)"])
        let measured = Dictionary(uniqueKeysWithValues: points.map { (Int($0.x), $0.y) })
        for (j, l) in full.lossHistory.enumerated() {
            table.add([String(j + 1), String(format: "%.6e", l), measured[j + 1].map(fixed) ?? ""])
        }
        return table.render(.pretty) + "wrote \(output)\n"
    }
}

/// `als plot embeddings MODEL --output FILE.svg`: item factors projected on their first two
/// principal components.
struct PlotEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings",
        abstract: "Plot item factors in 2-D by PCA, coloured by popularity (with --train) or by factor norm.",
        discussion: """
            The two axes are the leading eigenvectors of the k×k covariance of the item factors \
            (LAPACK dsyevd); each axis label gives the share of the total variance it explains. \
            With --train the points are coloured by the item's number of train interactions (log \
            scale), otherwise by the norm ‖y_i‖ of its factor; the colour bar says which.

            Example:
              als plot embeddings m.als --train train.tsv --output items.svg
            """)

    @Argument(help: "A model written by 'als train' or 'als tune --save-model'.")
    var model: String

    @Option(help: "The file the model was trained on (TSV split file): colour items by their train count.")
    var train: String?

    @Flag(help: "Use the data file even when the model knows fewer than half of its user or item ids.")
    var allowUnknown = false

    @Option(help: "Draw at most this many items (every n-th item, so the sample keeps the id order's mix).")
    var maxPoints: Int = 6000

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the chart.", valueName: "file.svg"))
    var output: String

    func validate() throws {
        guard maxPoints >= 2 else { throw ValidationError("--max-points must be at least 2.") }
    }

    func run() throws {
        StandardOutput.print(try report(), terminator: "")
    }

    func report() throws -> String {
        try checkOutputPaths(output)
        let model = try ALSModel.load(from: URL(fileURLWithPath: self.model))
        let factors = model.itemFactors
        let pca = try PrincipalComponents(rows: factors, columns: model.factors, components: 2)
        let xy = pca.project(factors, columns: model.factors)
        let values: [Double]
        let colorLabel: String
        var colorScale = PlotScale.Kind.linear
        if let train {
            let m = try SplitFiles.load([train])[0]
            if !allowUnknown { try model.checkKnownIDs(in: m, file: train) }
            let aligned = try model.aligned(DataSplit(train: m, test: m)).split.train
            values = (0 ..< model.items).map { Double(aligned.byItem.count(of: $0)) }
            colorLabel = "train interactions of the item (log scale)"
            colorScale = .log10
        } else {
            let k = model.factors
            values = (0 ..< model.items).map { (i: Int) -> Double in
                var s = 0.0
                for f in 0 ..< k { s += Double(factors[i * k + f]) * Double(factors[i * k + f]) }
                return s.squareRoot()
            }
            colorLabel = "factor norm ‖y_i‖"
        }
        let step = max(1, (model.items + maxPoints - 1) / maxPoints)
        var points: [(x: Double, y: Double, value: Double)] = []
        for i in stride(from: 0, to: model.items, by: step) { points.append((xy[2 * i], xy[2 * i + 1], values[i])) }
        let ratio = pca.explainedVarianceRatio
        var chart = ScatterChart(
            title: "Item factors by PCA: \(points.count) of \(model.items) items, k = \(model.factors)",
            xLabel: "PC1 (\(String(format: "%.1f", 100 * ratio[0]))% of variance)",
            yLabel: "PC2 (\(String(format: "%.1f", 100 * ratio[1]))% of variance)",
            colorLabel: colorLabel, points: points)
        chart.colorScale = colorScale
        try ALSFile.write(chart.svg(), to: output)
        return "explained variance: PC1 \(fixed(ratio[0])), PC2 \(fixed(ratio[1]))\ncolour: \(colorLabel)\nwrote \(output)\n"
    }
}
