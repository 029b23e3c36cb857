@_spi(Engine) import ALS
import ArgumentParser
import Foundation

/// `als fold-in MODEL --interactions FILE`: factors for a new (or changed) user from their
/// interactions, without retraining, and that user's recommendations.
struct FoldInCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "fold-in",
        abstract: "Fold a user's interactions into a saved model and print their recommendations.",
        discussion: """
            FILE has one interaction per line: an item id, optionally followed by a tab or a \
            comma and a value (default 1). Blank lines and lines starting with # are ignored.

            The user's factors are the exact least-squares solution against the model's item \
            factors in the model's own mode, as in one user half-step of training. Models trained \
            in weighted mode, or in implicit mode with --missing-weight-exponent, weigh items by \
            their training counts, which 'als train' keeps in the model; for a model saved \
            without them, pass the training data with --train (read with the input options). \
            The items of FILE are left out of the recommendations.

            Examples:
              als fold-in m.als --interactions liked.txt --k 10
              als fold-in m.als --interactions liked.txt --user 9999 --output m2.als --json
            """)

    @Argument(help: ArgumentHelp("A model written by 'als train' (or an implicit .npz).", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("The user's interactions: lines 'item', 'item<TAB>value' or 'item,value'.",
                               valueName: "file"))
    var interactions: String

    @Option(help: "Number of items to recommend.")
    var k: Int = 10

    @Option(help: ArgumentHelp("The training data, for the per-item counts that weighted and popularity-weighted implicit models saved without them need.",
                               valueName: "data"))
    var train: String?

    @Option(help: ArgumentHelp("Id of the folded-in user: an existing user's row is replaced, otherwise the user is added (default: a new id).",
                               valueName: "id"))
    var user: String?

    @Option(help: ArgumentHelp("Also write the model with the folded-in user to this file.", valueName: "new-model"))
    var output: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Use the data file even when the model knows fewer than half of its user or item ids.")
    var allowUnknown = false

    @OptionGroup(title: "Options for reading --train DATA") var input: InputOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k)).") }
        if let user, user.isEmpty { throw ValidationError("--user needs a non-empty id.") }
    }

    /// Folds the user in, writes `--output` when given, and writes the recommendations to `out`.
    func write(to out: inout some TextOutputStream) throws {
        try checkOutputPaths(output)
        var model = try loadModel(self.model)
        let pairs = try Self.parseInteractions(path: interactions, model: model)
        if let train {
            let data = try model.reindexed(input.load(train).matrix, file: train, allowUnknown: allowUnknown)
            model = try model.withItemCounts((0 ..< model.items).map { data.byItem.count(of: $0) })
        } else if model.foldInNeedsItemCounts, model.itemCounts == nil {
            throw ValidationError(
                "this model was trained in \(model.configuration.mode.rawValue) mode, whose item weights depend on each item's training count, and was saved without them; pass the training data with --train DATA.")
        }
        let id = user ?? Self.newUserID(model)
        let items = try model.recommend(interactions: pairs, k: k)
            .map { ScoredID(id: model.itemIDs.externalID($0.index), score: $0.score) }
        if let output {
            let folded = try model.foldingIn(userID: id, interactions: pairs)
            try folded.save(to: URL(fileURLWithPath: output))
            InputOptions.printToStandardError(
                "wrote \(output): user \(id) \(model.userIDs.index(of: id) == nil ? "added" : "replaced") from \(pairs.count) interactions")
        }
        out.write(json ? try Rendering.json("user", id, items) : Rendering.table(items, idHeader: "item"))
    }

    /// The interactions of `path` (read by the library's `InteractionList`) as (dense item,
    /// value) pairs of `model`.
    ///
    /// - Throws: the reader's `ALSError`s, and `ALSError.unknownID` for an item the model does
    ///   not know.
    static func parseInteractions(path: String, model: ALSModel) throws -> [(item: Int, value: Float)] {
        try InteractionList.read(path: path).map { pair in
            guard let item = model.itemIDs.index(of: pair.item) else { throw ALSError.unknownID(kind: "item", id: pair.item) }
            return (item, pair.value)
        }
    }

    /// An id the model does not have: one more than the largest integer id (the smallest free
    /// non-negative one when that is Int64.max), or "new-user" (with a numeric suffix when taken)
    /// for text ids.
    static func newUserID(_ model: ALSModel) -> String {
        if case .integers(let ids) = model.userIDs.storage {
            if let top = ids.max(), top < .max { return String(top + 1) }
            // Int64.max is taken: of the count + 1 values 0 … count, at least one is free.
            var free: Int64 = 0
            while model.userIDs.index(of: free) != nil { free += 1 }
            return String(free)
        }
        var id = "new-user", n = 1
        while model.userIDs.index(of: id) != nil {
            n += 1
            id = "new-user-\(n)"
        }
        return id
    }
}
