import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Recommend: updated and appended rows")
struct RecommendUpdateTests {
    @Test("replacing a user's row changes only the new model")
    func updatingUser() throws {
        let model = try ServingFixture.model(users: 8, items: 40, k: 5, seed: 41, biases: true)
        let before = try model.recommend(user: 3, k: 5, excludeSeen: .nothing)
        let row: [Float] = [1, -1, 0.5, 2, 0]
        let updated = try model.updating(userFactors: row, for: 3, bias: 0.25)
        #expect(try model.recommend(user: 3, k: 5, excludeSeen: .nothing) == before)
        #expect(Array(updated.userFactors[15 ..< 20]) == row)
        #expect(updated.userBiases[3] == 0.25 && model.userBiases[3] != 0.25)
        #expect(try updated.recommend(user: 3, k: 5, excludeSeen: .nothing)
            == ServingFixture.fullSort(updated, user: 3, k: 5, excluded: []))
        for u in [0, 7] {
            #expect(try updated.recommend(user: u, k: 5, excludeSeen: .nothing) == (try model.recommend(user: u, k: 5, excludeSeen: .nothing)))
        }
        let item = try model.updating(itemFactors: row, for: 9)
        #expect(Array(item.itemFactors[45 ..< 50]) == row && Array(model.itemFactors[45 ..< 50]) != row)
        #expect(throws: ALSError.self) { try model.updating(userFactors: [1, 2], for: 3) }
        #expect(throws: ALSError.self) { try model.updating(userFactors: row, for: 8) }
    }

    @Test("appending a user gives a new dense index and id; ids are checked")
    func appendingUser() throws {
        let model = try ServingFixture.model(users: 8, items: 40, k: 3, seed: 42)
        let grown = try model.appendingUser(id: "999", factors: [0.5, 0.25, -1])
        #expect(grown.users == 9 && model.users == 8)
        #expect(grown.userIDs.index(of: "999") == 8)
        #expect(try grown.recommend(userID: "999", k: 4, excludeSeen: .nothing).map(\.id)
            == ServingFixture.fullSort(grown, user: 8, k: 4, excluded: []).map { grown.itemIDs.externalID($0.index) })
        #expect(throws: ALSError.self) { try model.appendingUser(id: "abc", factors: [0, 0, 0]) }  // integer ids
        #expect(throws: ALSError.self) { try model.appendingUser(id: model.userIDs.externalID(2), factors: [0, 0, 0]) }
        #expect(throws: ALSError.self) { try model.appendingUser(id: "1000", factors: [0, 0, 0], bias: 1) }  // no biases
        let named = try ServingFixture.model(users: 4, items: 10, k: 3, seed: 43, stringIDs: true)
        let item = try named.appendingItem(id: "new item", factors: [9, 9, 9])
        #expect(item.items == 11 && item.itemIDs.index(of: "new item") == 10 && named.items == 10)
        var dot: Float = 0
        for f in 0 ..< 3 { dot += named.userFactors[f] * 9 }
        #expect(item.score(user: 0, item: 10) == dot)
    }

    @Test("similarity after an update uses fresh norms, not the old model's cache")
    func freshCache() throws {
        let model = try ServingFixture.model(users: 6, items: 30, k: 4, seed: 44)
        _ = try model.similarItems(to: 0, k: 5)  // fills the old model's norm cache
        let updated = try model.updating(itemFactors: [10, 0, 0, 0], for: 1)
        let got = try updated.similarItems(to: 0, k: 29)
        #expect(got == SimilarityReference.exact(updated, .item, 0, k: 29))
    }
}
