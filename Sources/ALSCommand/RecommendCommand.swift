@_spi(Engine) import ALS
import ArgumentParser
import Foundation

/// `als recommend MODEL --user ID`: a user's top-K items from a saved model, with the training
/// items (kept in the model, or from `--exclude-seen DATA`) and any deny-list left out;
/// `--all-users` for everyone at once (batch scoring).
struct RecommendCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Print a user's top-K recommendations from a saved model.",
        discussion: """
            Each user's training items are left out: the ones 'als train' keeps in the model, or \
            those of DATA (--exclude-seen), read with the input options below and matched to the \
            model by id; --include-seen keeps them. A model saved without them (an older file, \
            --no-seen, an .npz) needs one of the two.

            --allow and --deny take a comma-separated list of item ids, or the path of an \
            existing file with one id per line.

            With --all-users, every user's list is written as TSV (user, rank, item, score), or \
            as JSON Lines with --json; --timing reports the scoring time on standard error.

            Examples:
              als recommend m.als --user 196 --k 10
              als recommend old.als --user 196 --exclude-seen train.tsv --deny 50,181 --json
              als recommend m.als --all-users --timing > /dev/null
            """)

    @Argument(help: ArgumentHelp("A model written by 'als train' (or an implicit .npz).", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("The external id of the user to recommend for.", valueName: "id"))
    var user: String?

    @Flag(help: "Recommend for every user of the model (batch scoring; see --threads).")
    var allUsers = false

    @Option(help: "Number of items to recommend.")
    var k: Int = 10

    @Option(help: ArgumentHelp("Leave out the items each user has in this interactions file instead of those the model keeps.",
                               valueName: "data"))
    var excludeSeen: String?

    @Flag(help: "Keep each user's training items among the candidates.")
    var includeSeen = false

    @Option(help: ArgumentHelp("Only recommend these items: ids separated by commas, or a file with one id per line.",
                               valueName: "file|ids"))
    var allow: String?

    @Option(help: ArgumentHelp("Never recommend these items: ids separated by commas, or a file with one id per line.",
                               valueName: "file|ids"))
    var deny: String?

    @Flag(help: "Print JSON instead of a table (JSON Lines with --all-users).")
    var json = false

    @Option(help: "With --all-users: worker threads (0 = every core).")
    var threads: Int = 0

    @Flag(help: "With --all-users: print the time spent scoring and selecting on standard error.")
    var timing = false

    @Flag(help: "Use the data file even when the model knows fewer than half of its user or item ids.")
    var allowUnknown = false

    @OptionGroup(title: "Options for reading --exclude-seen DATA") var input: InputOptions

    func validate() throws {
        if (user == nil) == !allUsers { throw ValidationError("Pass exactly one of --user ID and --all-users.") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k)).") }
        guard threads >= 0 else { throw ValidationError("--threads must be ≥ 0 (0 = every core).") }
        if threads != 0 || timing, !allUsers { throw ValidationError("--threads and --timing go with --all-users.") }
        if includeSeen, excludeSeen != nil { throw ValidationError("Pass at most one of --include-seen and --exclude-seen DATA.") }
        for (flag, value) in [("--allow", allow), ("--deny", deny)] {
            if let value, value.isEmpty { throw ValidationError("\(flag) needs at least one item id.") }
        }
    }

    /// What the command reads before it can answer: the model, the seen items (DATA re-indexed
    /// over the model's ids, or the model's own), and the allow and deny lists.
    struct Inputs {
        var model: ALSModel
        var seen: SeenItems
        var allow: [String]?
        var deny: [String]
    }

    func loadInputs() throws -> Inputs {
        let model = try loadModel(self.model)
        let seen = try excludeSeen.map { SeenItems.interactions(try model.reindexed(input.load($0).matrix, file: $0, allowUnknown: allowUnknown)) }
            ?? (includeSeen ? .nothing : .training)
        return Inputs(model: model, seen: seen, allow: try allow.map(readIDList), deny: try deny.map(readIDList) ?? [])
    }

    /// Loads the inputs and writes the recommendations to `out`.
    func write(to out: inout some TextOutputStream) throws {
        try write(to: &out, inputs: loadInputs())
    }

    /// Writes the recommendations over inputs already loaded (`loadInputs()`).
    func write(to out: inout some TextOutputStream, inputs: Inputs) throws {
        let model = inputs.model
        guard allUsers else {
            guard let user else { throw ValidationError("Pass exactly one of --user ID and --all-users.") }
            let items = try model.recommend(userID: user, k: k, excludeSeen: inputs.seen, allow: inputs.allow, deny: inputs.deny)
            out.write(json ? try Rendering.json("user", user, items) : Rendering.table(items, idHeader: "item"))
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let lists = try model.recommendAll(k: k, excludeSeen: inputs.seen,
                                           allow: try inputs.allow.map { try model.itemIndices($0) },
                                           deny: try model.itemIndices(inputs.deny), threads: threads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if timing {
            InputOptions.printToStandardError(
                "recommended top-\(k) for \(model.users) users over \(model.items) items in \(String(format: "%.3f", seconds)) s (threads: \(threads == 0 ? "every core" : String(threads)))")
        }
        for (u, list) in lists.enumerated() {
            let user = model.userIDs.externalID(u)
            let items = list.map { ScoredID(id: model.itemIDs.externalID($0.index), score: $0.score) }
            if json {
                out.write(try Rendering.json("user", user, items))
            } else {
                for (rank, r) in items.enumerated() { out.write("\(user)\t\(rank + 1)\t\(r.id)\t\(r.score)\n") }
            }
        }
    }
}

extension ALSModel {
    /// Dense indices of external item ids; `ALSError.unknownID` for an id the model lacks.
    fileprivate func itemIndices(_ ids: [String]) throws -> [Int] {
        try ids.map { id in
            guard let i = itemIDs.index(of: id) else { throw ALSError.unknownID(kind: "item", id: id) }
            return i
        }
    }
}

/// A command whose whole output is text on standard output, written by `write(to:)`; tests call
/// `write(to:)` with a `String` and compare.
protocol TextCommand: ParsableCommand {
    func write(to out: inout some TextOutputStream) throws
}

extension TextCommand {
    func run() throws {
        var out = StandardOutput()
        defer { out.flush() }
        try write(to: &out)
    }
}

extension ALSModel {
    /// `reindexed(data)`, after `checkKnownIDs` unless `allowUnknown` (`--allow-unknown`): a data
    /// file of which the model knows fewer than half the user or item ids is refused with the
    /// counts, since re-indexing would drop most of it without a word.
    func reindexed(_ data: InteractionMatrix, file: String, allowUnknown: Bool) throws -> InteractionMatrix {
        if !allowUnknown { try checkKnownIDs(in: data, file: file) }
        return try reindexed(data)
    }
}

/// Loads a model file written by `als train` (`ALSModel.save`), or an `.npz` in implicit's
/// layout (`ALSModel.exportNPZ`, or implicit's own `save`).
func loadModel(_ path: String) throws -> ALSModel {
    let url = URL(fileURLWithPath: path)
    return path.hasSuffix(".npz") ? try ALSModel.importNPZ(from: url) : try ALSModel.load(from: url)
}

/// An id list argument: the lines of `argument` when it names an existing file, otherwise its
/// comma-separated fields. Blank entries are ignored and surrounding whitespace trimmed.
func readIDList(_ argument: String) throws -> [String] {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue {
        let text = String(decoding: try ALSFile.read(argument), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
    return argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// The two output forms of the serving commands: an aligned table and JSON.
enum Rendering {
    /// A header line `rank  <idHeader>  <scoreHeader>`, then one row per result: the rank from 1,
    /// the id, the score with 6 decimals.
    static func table(_ results: [ScoredID], idHeader: String, scoreHeader: String = "score") -> String {
        let rankWidth = max(4, String(results.count).count)
        let idWidth = max(idHeader.count, results.map(\.id.count).max() ?? 0)
        var s = "rank".leftPadded(to: rankWidth) + "  " + idHeader.rightPadded(to: idWidth + 1) + scoreHeader + "\n"
        for (rank, r) in results.enumerated() {
            s += String(rank + 1).leftPadded(to: rankWidth) + "  " + r.id.rightPadded(to: idWidth + 1)
                + String(format: "%.6f", r.score) + "\n"
        }
        if results.isEmpty { s += "(no candidates left)\n" }
        return s
    }

    /// One line of JSON, keys sorted: `{"<listKey>":[{"<idKey>":id,"score":s},…],"<queryKey>":query}`.
    static func json(_ queryKey: String, _ query: String, listKey: String = "items", idKey: String = "item",
                     _ results: [ScoredID]) throws -> String {
        let object: [String: JSONValue] = [
            queryKey: .string(query),
            listKey: .list(results.map { [idKey: .string($0.id), "score": .number($0.score)] }),
        ]
        return String(decoding: try encoder.encode(object), as: UTF8.self) + "\n"
    }

    /// The values of the JSON output.
    private enum JSONValue: Encodable {
        case string(String)
        case number(Float)
        case list([[String: JSONValue]])

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .number(let x): try c.encode(x)
            case .list(let l): try c.encode(l)
            }
        }
    }

    /// Sorted keys, so the output is the same on every run.
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
