@_spi(Engine) import ALS
import ArgumentParser
import Foundation

/// `als evaluate MODEL --train TRAIN --test TEST`: the model against the baselines on a split.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a saved model on a train/test split next to the baselines (global mean, item bias, user + item bias, popularity, random).",
        discussion: """
            TRAIN and TEST are split files (user<TAB>item<TAB>value[<TAB>timestamp], or LightGCN's \
            train.txt/test.txt pair when both end in .txt), read together so ids are shared, then \
            re-indexed over the model's id maps (they come from the file the model was trained \
            on). METRICS.md's fallbacks apply: a rating of a user or item the model does not know \
            is predicted by its baseline (global mean plus the known biases); a test item it does \
            not know can only be a miss, and a user it does not know gets no list. \
            Rating metrics (RMSE, MAE, sign accuracy) are printed for models not trained in \
            implicit mode; ranking metrics at K for every model.

            Example:
              als evaluate m.als --train train.tsv --test test.tsv --k 10 --report report.md
            """)

    @Argument(help: "A model written by 'als train' or 'als tune --save-model'.")
    var model: String

    @Option(help: "The split's train file (the data the model was trained on).")
    var train: String

    @Option(help: "The split's test file.")
    var test: String

    @Option(help: "Cut-off K of the ranking metrics.")
    var k: Int = 10

    @OptionGroup var scoring: ScoringOptions

    @Flag(help: "Use the data file even when the model knows fewer than half of its user or item ids.")
    var allowUnknown = false

    @Option(help: "Seed of the random baseline.")
    var randomSeed: UInt64 = 1

    @Option(help: "Table format on standard output: pretty, csv, json (one object: the model's figures and each baseline's, as numbers) or markdown.")
    var format: TableFormat = .pretty

    @Option(help: ArgumentHelp("Also write the table as Markdown to this file.", valueName: "file.md"))
    var report: String?

    @Flag(help: "Print nothing on standard error.")
    var quiet = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1.") }
    }

    func run() throws {
        try checkOutputPaths(report)
        let figures = try measure()
        let (table, notes) = (figures.table, figures.notes)
        if !quiet { for n in notes { writeStandardError(n) } }
        StandardOutput.print(format == .json ? try jsonReport(figures.report) : table.render(format), terminator: "")
        if let report {
            let text = "# Evaluation of \(model)\n\n" + "train `\(train)`, test `\(test)`\n\n"
                + notes.map { "- \($0)\n" }.joined() + "\n" + table.render(.markdown)
            try ALSFile.write(text, to: report)
        }
    }

    /// One figure of one system: its table name (`NDCG`, `RMSE`, …), K for a ranking figure,
    /// and the value.
    struct Figure {
        var name: String
        var k: Int?
        var value: Double
    }

    /// Everything `evaluate` measures: each system's figures (the model first), the notes, and
    /// the JSON report of `--format json`.
    struct Figures {
        var systems: [(name: String, figures: [Figure])]
        var notes: [String]
        var report: EvaluationReport

        /// The table every non-JSON format prints: one row per system and figure.
        var table: ResultTable {
            var table = ResultTable(columns: ["system", "metric", "K", "value"])
            for (system, figures) in systems {
                for f in figures { table.add([system, f.name, f.k.map(String.init) ?? "", fixed(f.value)]) }
            }
            return table
        }
    }

    /// The table of figures, and notes on the data (unknown ids) for standard error.
    func evaluate() throws -> (ResultTable, [String]) {
        let figures = try measure()
        return (figures.table, figures.notes)
    }

    /// Loads the model and the split and measures the model and every baseline.
    func measure() throws -> Figures {
        let model = try ALSModel.load(from: URL(fileURLWithPath: self.model))
        let split = try loadSplit(train: train, test: test, binarizeThreshold: scoring.binarizeThreshold)
        if !allowUnknown { try model.checkKnownIDs(in: split.train, file: "\(train) and \(test)") }
        let aligned = try model.aligned(split)
        let (tr, te) = (aligned.split.train, aligned.split.test)
        var notes = ["model: \(model.configuration.mode.rawValue) ALS, \(model.users) users × \(model.items) items, k = \(model.factors)"]
        if aligned.unknownUsers + aligned.unknownItems > 0 {
            notes.append("the split has \(aligned.unknownUsers) users and \(aligned.unknownItems) items the model does not know; \(aligned.unknownTestEntries) of \(te.nonZeros) test entries involve them")
        }
        var systems: [(name: String, figures: [Figure])] = []
        if model.configuration.mode != .implicit {
            let bounds = try scoring.bounds(for: tr)
            let ours = try evaluateRatings(model: model, train: tr, test: te, clamp: bounds)
            var ratings: [(String, RatingMetrics)] = [("model", ours)]
            for (name, b) in [("global mean", BaselinePredictor.globalMean(tr)), ("item bias", .itemBias(tr)),
                              ("user + item bias", .userItemBias(tr))] {
                var predictor = b
                predictor.clamp = bounds
                ratings.append((name, evaluateRatings(test: te, predictor: predictor)))
            }
            for (name, m) in ratings {
                var figures = [Figure(name: "RMSE", value: m.rmse), Figure(name: "MAE", value: m.mae)]
                if scoring.binarizeThreshold != nil { figures.append(Figure(name: "sign accuracy", value: m.signAccuracy)) }
                systems.append((name, figures))
            }
        }
        let evaluator = try RankingEvaluator(train: tr, test: te)
        let popularity = PopularityRanker(train: tr)
        let rankings: [(String, RankingMetrics)] = [
            ("model", try evaluator.evaluate(k: k, model: model)),
            ("popularity", try evaluator.evaluate(k: k) { u, _, exclude in popularity.topK(user: u, k: k, exclude: exclude) }),
            ("random", try evaluator.evaluate(k: k, scorer: RandomRanker(seed: randomSeed))),
        ]
        for (name, m) in rankings {
            systems.append((name, rankingFigures(m).map { Figure(name: $0.0, k: k, value: $0.1) }))
        }
        notes.append("ranking: \(evaluator.evaluatedUsers.count) users with test items; rating: \(te.nonZeros) test entries")
        // The table lists the model twice (rating rows, then ranking rows); JSON has one object each.
        var baselines: [String: [String: Double?]] = [:]
        for (name, figures) in systems where name != "model" {
            baselines[EvaluationReport.key(system: name), default: [:]].merge(EvaluationReport.object(figures)) { a, _ in a }
        }
        let report = EvaluationReport(
            model: .init(file: self.model, mode: model.configuration.mode.rawValue, users: model.users, items: model.items,
                         factors: model.factors),
            train: train, test: test, k: k, metrics: EvaluationReport.object(systems.filter { $0.name == "model" }.flatMap(\.figures)),
            baselines: baselines, rankingUsers: evaluator.evaluatedUsers.count, testEntries: te.nonZeros,
            unknownUsers: aligned.unknownUsers, unknownItems: aligned.unknownItems,
            unknownTestEntries: aligned.unknownTestEntries)
        return Figures(systems: systems, notes: notes, report: report)
    }
}

/// The ranking figures every command prints, in this order.
func rankingFigures(_ m: RankingMetrics) -> [(String, Double)] {
    [("NDCG", m.ndcg), ("Recall", m.recall), ("CappedRecall", m.cappedRecall), ("Precision", m.precision),
     ("MAP", m.map), ("HitRate", m.hitRate), ("Coverage", m.coverage)]
}

/// A figure with four decimals, as every table here prints them.
func fixed(_ x: Double) -> String { x.isNaN ? "nan" : String(format: "%.4f", x) }

/// Loads a split pair over shared id maps: LightGCN's adjacency files when both names end in
/// `.txt`, else TSV split files (`SplitFiles`); then applies `--binarize-threshold`.
func loadSplit(train: String, test: String, binarizeThreshold: Float?) throws -> DataSplit {
    let (tr, te) = train.hasSuffix(".txt") && test.hasSuffix(".txt")
        ? try SplitFiles.loadLightGCN(train: train, test: test) : try SplitFiles.load(train: train, test: test)
    guard let t = binarizeThreshold else { return DataSplit(train: tr, test: te) }
    return DataSplit(train: try tr.signed(threshold: t), test: try te.signed(threshold: t))
}

/// How a table is printed.
enum TableFormat: String, ExpressibleByArgument, CaseIterable {
    case pretty, csv, json, markdown
}

/// A table of text cells with named columns, rendered aligned, as CSV, as JSON (an array of
/// objects keyed by column) or as Markdown. Numeric-looking cells are right-aligned.
struct ResultTable {
    var columns: [String]
    var rows: [[String]] = []

    mutating func add(_ row: [String]) {
        precondition(row.count == columns.count, "one cell per column")
        rows.append(row)
    }

    func render(_ format: TableFormat) -> String {
        switch format {
        case .pretty: return pretty()
        case .csv: return ([columns] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .json: return json()
        case .markdown: return markdown()
        }
    }

    private static func isNumber(_ s: String) -> Bool { !s.isEmpty && Double(s) != nil }

    private func widths() -> [Int] {
        columns.indices.map { c in ([columns[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
    }

    private func pretty() -> String {
        let w = widths()
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in Self.isNumber(s) ? s.leftPadded(to: w[c]) : s.padding(toLength: w[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = w.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(columns), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    private func markdown() -> String {
        let w = widths()
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { c, s in s.padding(toLength: w[c], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + w.indices.map { c in
            rows.contains { Self.isNumber($0[c]) } ? String(repeating: "-", count: w[c] + 1) + ":" : String(repeating: "-", count: w[c] + 2)
        }.joined(separator: "|") + "|"
        return ([line(columns), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    private func json() -> String {
        let objects = rows.map { row in
            "  {" + zip(columns, row).map { name, cell in
                "\(jsonString(name)): \(Self.isNumber(cell) && cell != "nan" ? cell : jsonString(cell))"
            }.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// `s` as a JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
