// What a service does with SwiftALS, in eight concurrent tasks of one `async` main (issue 12,
// acceptance 1): load a file, build a matrix from rows in memory, train with progress and cancel
// a second training midway, recommend (seen items left out by default), fold in a new user from
// item ids, save and reload. Each task prints the lines it checked; any failure exits 1.
//
//     EmbeddingCheck RATINGS.tsv WORK-DIR
//
// RATINGS.tsv holds `user<TAB>item<TAB>value` lines with integer ids (scripts/embed_check.sh
// writes one); WORK-DIR receives the saved model.
import ALS
import Foundation
import Synchronization

@main
struct EmbeddingCheck {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            print("usage: EmbeddingCheck RATINGS.tsv WORK-DIR")
            exit(2)
        }
        do {
            let lines = try await run(path: arguments[1], workDirectory: URL(fileURLWithPath: arguments[2]))
            for line in lines { print(line) }
            print("embed: ok, 8 tasks")
        } catch {
            print("embed: FAILED: \(error)")
            exit(1)
        }
    }

    /// The eight tasks, their lines in task order. The file, the matrix from rows and the
    /// shared model are unstructured tasks that the group's tasks await, so that loading,
    /// building and both trainings overlap.
    static func run(path: String, workDirectory: URL) async throws -> [String] {
        let rows = try readRows(path)
        var configuration = ALSConfiguration(mode: .implicit)
        configuration.factors = 16
        configuration.iterations = 6
        let trainer = try ALSTrainer(configuration)

        let loaded = Task { try DataLoader.load(path: path).matrix }
        let fromRows = Task { try InteractionMatrix(rows: rows) }
        let shared = Task { try await trainer.fit(try await fromRows.value) }
        let seen = Dictionary(grouping: rows, by: { String($0.user) }).mapValues { Set($0.map { String($0.item) }) }

        return try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            group.addTask { (1, try await loadFile(loaded, rows: rows)) }
            group.addTask { (2, try await buildFromRows(fromRows, rows: rows)) }
            group.addTask { (3, try await trainWithProgress(trainer, loaded, shared)) }
            group.addTask { (4, try await cancelMidway(trainer.configuration, loaded)) }
            group.addTask { (5, try await recommendLeavingSeenOut(shared, seen: seen)) }
            group.addTask { (6, try await foldInNewUser(shared, seen: seen)) }
            group.addTask { (7, try await saveAndReload(shared, to: workDirectory)) }
            group.addTask { (8, try await serveConcurrently(shared)) }
            var results: [(Int, [String])] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    // MARK: - The eight tasks

    /// 1. The loader reads the file into the same matrix as the rows.
    static func loadFile(_ loaded: Task<InteractionMatrix, any Error>,
                         rows: [(user: Int64, item: Int64, value: Float)]) async throws -> [String] {
        let matrix = try await loaded.value
        let users = Set(rows.map(\.user)).count, items = Set(rows.map(\.item)).count
        try expect(matrix.users == users && matrix.items == items,
                   "load: \(matrix.users)×\(matrix.items), the file has \(users)×\(items)")
        return ["load: \(matrix.users) users, \(matrix.items) items, \(matrix.nonZeros) interactions"]
    }

    /// 2. `InteractionMatrix(rows:)` with integer ids equals the loaded file; with text ids it
    /// has the same shape.
    static func buildFromRows(_ fromRows: Task<InteractionMatrix, any Error>,
                              rows: [(user: Int64, item: Int64, value: Float)]) async throws -> [String] {
        let matrix = try await fromRows.value
        let text = try InteractionMatrix(rows: rows.map { (user: "u\($0.user)", item: "i\($0.item)", value: $0.value) })
        try expect(text.users == matrix.users && text.items == matrix.items && text.nonZeros == matrix.nonZeros,
                   "rows: text ids give \(text.users)×\(text.items), integer ids \(matrix.users)×\(matrix.items)")
        return ["rows: \(rows.count) rows in memory, \(matrix.nonZeros) interactions, integer and text ids alike"]
    }

    /// 3. Training on the loaded file reports every iteration and gives the model trained on
    /// the rows, bit for bit.
    static func trainWithProgress(_ trainer: ALSTrainer, _ loaded: Task<InteractionMatrix, any Error>,
                                  _ shared: Task<ALSModel, any Error>) async throws -> [String] {
        let reported = Mutex<[ALSProgress]>([])
        let model = try await trainer.fit(try await loaded.value) { p in reported.withLock { $0.append(p) } }
        let progress = reported.withLock { $0 }
        let iterations = trainer.configuration.iterations
        try expect(progress.map(\.iteration) == Array(1...iterations),
                   "train: progress reported iterations \(progress.map(\.iteration))")
        try expect(progress.allSatisfy { ($0.loss ?? .nan).isFinite }, "train: a loss is missing or not finite")
        try expect(model.userFactors == (try await shared.value).userFactors,
                   "train: the model of the file differs from the model of the same rows")
        let loss = progress.map { String(format: "%.1f", $0.loss ?? 0) }.joined(separator: " ")
        return ["train: \(iterations) iterations reported, loss \(loss); same model as from the rows"]
    }

    /// 4. A second training, cancelled from its own progress callback once its second
    /// iteration is reported, throws `CancellationError` at the next half-step boundary.
    ///
    /// The callback cancels the training task itself (waiting until the handle exists), so the
    /// boundary is known exactly. Cancelling from a consumer of an `AsyncStream` instead races
    /// the training: on a small matrix many iterations finish, and sit in the stream's buffer,
    /// before the consumer runs (the CI failure "20 iterations reported after cancelling at 2").
    static func cancelMidway(_ base: ALSConfiguration, _ loaded: Task<InteractionMatrix, any Error>) async throws -> [String] {
        var configuration = base
        configuration.iterations = 500
        let trainer = try ALSTrainer(configuration), matrix = try await loaded.value
        let handle = Mutex<Task<ALSModel, any Error>?>(nil)
        let reported = Mutex<[Int]>([])
        let training = Task {
            try await trainer.fit(matrix) { @Sendable p in
                reported.withLock { $0.append(p.iteration) }
                guard p.iteration == 2 else { return }
                while handle.withLock({ $0 == nil }) { sched_yield() }
                handle.withLock { $0?.cancel() }
            }
        }
        handle.withLock { $0 = training }
        let result = await training.result
        let iterations = reported.withLock { $0 }
        do {
            _ = try result.get()
            throw Failure("cancel: training ran all \(configuration.iterations) iterations")
        } catch is CancellationError {
            try expect(iterations == [1, 2], "cancel: iterations \(iterations) reported after cancelling at 2")
        }
        return ["cancel: cancelled at iteration 2 of \(configuration.iterations), stopped after \(iterations.last ?? 0), CancellationError"]
    }

    /// 5. `recommend(userID:k:)` leaves each user's training items out by default; `.nothing`
    /// brings them back.
    static func recommendLeavingSeenOut(_ shared: Task<ALSModel, any Error>,
                                        seen: [String: Set<String>]) async throws -> [String] {
        let model = try await shared.value
        var withSeen = 0
        for (user, items) in seen {
            let top = try model.recommend(userID: user, k: 10)
            try expect(top.count == 10, "recommend: \(top.count) items for user \(user)")
            try expect(top.allSatisfy { !items.contains($0.id) }, "recommend: user \(user) got a training item back")
            if try model.recommend(userID: user, k: 10, excludeSeen: .nothing).contains(where: { items.contains($0.id) }) {
                withSeen += 1
            }
        }
        try expect(withSeen > 0, "recommend: .nothing never returned a training item")
        return ["recommend: top 10 for each of \(seen.count) users, none seen; with .nothing \(withSeen) users get seen items"]
    }

    /// 6. A visitor folded in from item ids gets ten items, none of their own; an unknown item id
    /// is an `ALSError.unknownID`.
    static func foldInNewUser(_ shared: Task<ALSModel, any Error>, seen: [String: Set<String>]) async throws -> [String] {
        let model = try await shared.value
        let given = (seen["1"] ?? []).sorted().prefix(5)
        let visitor = given.map { (itemID: $0, value: Float(1)) }
        let top = try model.recommend(interactions: visitor, k: 10)
        try expect(top.count == 10 && top.allSatisfy { !given.contains($0.id) },
                   "fold-in: \(top.map(\.id)) for a visitor who has \(Array(given))")
        try expect(zip(top, top.dropFirst()).allSatisfy { $0.score >= $1.score }, "fold-in: scores not descending")
        do {
            _ = try model.recommend(interactions: [(itemID: "no-such-item", value: 1)], k: 10)
            throw Failure("fold-in: an unknown item id was accepted")
        } catch ALSError.unknownID {}
        return ["fold-in: a visitor with items \(given.joined(separator: ",")) gets \(top.map(\.id).joined(separator: ","))"]
    }

    /// 7. A saved model reloads with its seen items and recommends exactly as before.
    static func saveAndReload(_ shared: Task<ALSModel, any Error>, to directory: URL) async throws -> [String] {
        let model = try await shared.value
        let url = directory.appendingPathComponent("model.als")
        try model.save(to: url)
        let reloaded = try ALSModel.load(from: url)
        try expect(reloaded.hasSeenItems, "save: the reloaded model lost its seen items")
        for user in 0..<model.users {
            let id = model.userIDs.externalID(user)
            try expect(try reloaded.recommend(userID: id, k: 10) == (try model.recommend(userID: id, k: 10)),
                       "save: user \(id) recommends differently after reloading")
        }
        let bytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        return ["save: \(bytes) bytes, reloaded; \(model.users) users recommend as before, seen items kept"]
    }

    /// 8. Many tasks query one model at once and get what one task gets.
    static func serveConcurrently(_ shared: Task<ALSModel, any Error>) async throws -> [String] {
        let model = try await shared.value
        let ids = (0..<model.users).map { model.userIDs.externalID($0) }
        let expected = try ids.map { try model.recommend(userID: $0, k: 5) }
        let answers = try await withThrowingTaskGroup(of: (Int, [ScoredID]).self) { group in
            for (n, id) in ids.enumerated() { group.addTask { (n, try model.recommend(userID: id, k: 5)) } }
            var answers = [[ScoredID]](repeating: [], count: ids.count)
            for try await (n, top) in group { answers[n] = top }
            return answers
        }
        try expect(answers == expected, "serve: concurrent answers differ from sequential ones")
        return ["serve: \(ids.count) concurrent queries on one model, each as answered alone"]
    }

    // MARK: - Helpers

    /// The file's rows, parsed here rather than by the library: the rows a service has in memory.
    static func readRows(_ path: String) throws -> [(user: Int64, item: Int64, value: Float)] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t")
            guard fields.count == 3, let user = Int64(fields[0]), let item = Int64(fields[1]),
                  let value = Float(fields[2]) else { throw Failure("cannot read line '\(line)' of \(path)") }
            return (user: user, item: item, value: value)
        }
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(message()) }
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
