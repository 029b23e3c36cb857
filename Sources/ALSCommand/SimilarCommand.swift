@_spi(Engine) import ALS
import ArgumentParser

/// `als similar MODEL --item ID | --user ID`: the nearest items (or users) by cosine similarity of
/// their factor rows.
struct SimilarCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Print the items (or users) most similar to one item (or user) of a saved model.",
        discussion: """
            Similarity is the cosine of the factor rows; the query itself is never listed.

            Examples:
              als similar m.als --item 50 --k 10
              als similar m.als --user 196 --json
            """)

    @Argument(help: ArgumentHelp("A model written by 'als train' (or an implicit .npz).", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("List the items most similar to this item id.", valueName: "id"))
    var item: String?

    @Option(help: ArgumentHelp("List the users most similar to this user id.", valueName: "id"))
    var user: String?

    @Option(help: "Number of results.")
    var k: Int = 10

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if (item == nil) == (user == nil) { throw ValidationError("Pass exactly one of --item ID and --user ID.") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k)).") }
    }

    /// Loads the model and writes the neighbours to `out`.
    func write(to out: inout some TextOutputStream) throws {
        guard let query = item ?? user else { throw ValidationError("Pass exactly one of --item ID and --user ID.") }
        let model = try loadModel(self.model)
        let side = item != nil ? "item" : "user"
        let results = item != nil ? try model.similarItems(toID: query, k: k) : try model.similarUsers(toID: query, k: k)
        if json {
            out.write(try Rendering.json(side, query, listKey: "similar", idKey: side, results))
        } else {
            out.write(Rendering.table(results, idHeader: side, scoreHeader: "cosine"))
        }
    }
}
