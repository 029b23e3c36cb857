import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The ids-first conveniences: matrices from in-memory rows, scores by id, Codable results.
@Suite("Ids first: in-memory rows, scores by id, Codable results")
struct IDsFirstTests {
    @Test("text rows number ids by first appearance and equal the loader's matrix of the same lines")
    func textRows() throws {
        let rows: [(user: String, item: String, value: Float)] = [
            ("bob", "pear", 1), ("alice", "fig", 2), ("bob", "fig", 0.5), ("carol", "pear", 3), ("bob", "pear", 2),
        ]
        let m = try InteractionMatrix(rows: rows)
        #expect(m.userIDs == (try IDMap(strings: ["bob", "alice", "carol"])))
        #expect(m.itemIDs == (try IDMap(strings: ["pear", "fig"])))
        #expect(m.nonZeros == 4 && m.duplicatesMerged == 1)
        #expect(m.byUser.values[m.byUser.range(of: 0)].elementsEqual([3, 0.5]))  // bob: pear 1 + 2, fig 0.5
        try m.checkInvariants()
        let dir = try ScratchDirectory()
        let path = dir.file("rows.tsv").path
        try rows.map { "\($0.user)\t\($0.item)\t\($0.value)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try DataLoader.load(path: path).matrix
        #expect(loaded.byUser == m.byUser && loaded.userIDs == m.userIDs && loaded.itemIDs == m.itemIDs)
        #expect(throws: ALSError.duplicateEntry(user: "bob", item: "pear", line: 5)) {
            try InteractionMatrix(rows: rows, duplicates: .error)
        }
    }

    @Test("integer rows number ids in ascending order")
    func integerRows() throws {
        let m = try InteractionMatrix(rows: [(user: Int64(30), item: Int64(7), value: Float(1)), (10, 9, 2), (30, 5, 1), (10, 7, 4)])
        #expect(m.userIDs == (try IDMap(integers: [10, 30])))
        #expect(m.itemIDs == (try IDMap(integers: [5, 7, 9])))
        #expect(Array(m.byUser.innerIndices) == [1, 2, 0, 1] && Array(m.byUser.values) == [4, 2, 1, 1])
        #expect(try InteractionMatrix(rows: [(user: Int64, item: Int64, value: Float)]()).nonZeros == 0)
    }

    @Test("a model trained from rows answers by id: score and recommend agree")
    func scoreByID() throws {
        let rows: [(user: String, item: String, value: Float)] = (0 ..< 60).map { j in
            ("u\(j % 9)", "i\((j * 7) % 11)", Float(1 + j % 3))
        }
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 3
        config.iterations = 3
        let model = try ALSTrainer(config).fit(try InteractionMatrix(rows: rows))
        for r in try model.recommend(userID: "u4", k: 5) {
            #expect(try model.score(userID: "u4", itemID: r.id) == r.score)
        }
        let u = try #require(model.userIDs.index(of: "u2")), i = try #require(model.itemIDs.index(of: "i3"))
        #expect(try model.score(userID: "u2", itemID: "i3") == model.score(user: u, item: i))
        #expect(throws: ALSError.unknownID(kind: "user", id: "nobody")) { try model.score(userID: "nobody", itemID: "i3") }
        #expect(throws: ALSError.unknownID(kind: "item", id: "nothing")) { try model.score(userID: "u2", itemID: "nothing") }
    }

    @Test("result types round-trip through JSON")
    func codable() throws {
        func roundTrip<T: Codable & Equatable>(_ value: T) throws {
            #expect(try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) == value)
        }
        try roundTrip(Scored(index: 3, score: -1.25))
        try roundTrip([ScoredID(id: "fig", score: 0.5)])
        try roundTrip(ALSModel.FoldedFactors(factors: [1, 2.5], bias: 0.25))
        try roundTrip(ALSProgress(iteration: 2, iterations: 5, loss: nil, seconds: 0.5, elapsed: 1))
    }
}
