import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Recommend: interactions re-indexed over a model's ids")
struct RecommendReindexTests {
    @Test("matrices with the model's id maps come back unchanged")
    func sameMaps() throws {
        let model = try ServingFixture.model(users: 6, items: 9, k: 3, seed: 5)
        let m = try ServingFixture.interactions(for: model, perUser: 3, seed: 6)
        let r = try model.reindexed(m)
        #expect(r.byUser == m.byUser && r.userIDs == m.userIDs && r.itemIDs == m.itemIDs)
    }

    @Test("ids are matched by text, in another order, and unknown users and items are dropped")
    func otherMaps() throws {
        let model = try ServingFixture.model(users: 4, items: 5, k: 2, seed: 7, stringIDs: true)
        // Model users user-3, user-10, user-17, user-24; items item-1, item-4, item-7, item-10, item-13.
        let t = Triplets(users: [0, 0, 1, 2, 2, 3], items: [0, 1, 2, 0, 3, 1], values: [1, 2, 3, 4, 5, 6],
                         timestamps: [10, 20, 30, 40, 50, 60])
        let data = try InteractionMatrix(
            users: 4, items: 4, triplets: t,
            userIDs: try IDMap(strings: ["user-24", "stranger", "user-3", "user-10"]),
            itemIDs: try IDMap(strings: ["item-13", "item-4", "item-99", "item-1"]))
        let r = try model.reindexed(data)
        #expect(r.users == 4 && r.items == 5 && r.userIDs == model.userIDs && r.itemIDs == model.itemIDs)
        func row(_ u: Int) -> [(Int32, Float, Int64)] {
            r.byUser.range(of: u).map { (r.byUser.innerIndices[$0], r.byUser.values[$0], r.byUser.timestamps![$0]) }
        }
        // user-24 (model 3): item-13 → 4 (value 1), item-4 → 1 (value 2).
        #expect(row(3).map(\.0) == [1, 4] && row(3).map(\.1) == [2, 1] && row(3).map(\.2) == [20, 10])
        // user-3 (model 0): item-13 → 4 (value 4), item-1 → 0 (value 5).
        #expect(row(0).map(\.0) == [0, 4] && row(0).map(\.1) == [5, 4])
        // user-10 (model 1): item-4 → 1.
        #expect(row(1).map(\.0) == [1] && row(1).map(\.1) == [6])
        // "stranger" and item-99 are dropped; user-17 has no row in the data.
        #expect(row(2).isEmpty && r.nonZeros == 5)
        try r.checkInvariants()
    }

    @Test("integer ids match text ids of the same number")
    func integerAgainstText() throws {
        let model = try ServingFixture.model(users: 3, items: 3, k: 2, seed: 8)  // users 1, 11, 21; items 2, 7, 12
        let data = try InteractionMatrix(
            users: 2, items: 2, triplets: Triplets(users: [0, 1], items: [1, 0], values: [1, 1]),
            userIDs: try IDMap(strings: ["21", "1"]), itemIDs: try IDMap(strings: ["12", "7"]))
        let r = try model.reindexed(data)
        #expect(try model.recommend(user: 2, k: 3, excludeSeen: .interactions(r)).map(\.index).contains(1) == false)
        #expect(r.byUser.range(of: 2).map { r.byUser.innerIndices[$0] } == [1])
        #expect(r.byUser.range(of: 0).map { r.byUser.innerIndices[$0] } == [2])
    }
}
