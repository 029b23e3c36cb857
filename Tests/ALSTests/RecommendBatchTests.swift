import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Recommend: batch equals single")
struct RecommendBatchTests {
    @Test("every block size, thread count and filter gives the single-user results",
          arguments: [(1, 1), (3, 2), (5, 3), (64, 2), (1000, 4)] as [(Int, Int)])
    func batchEqualsSingle(rowsPerBlock: Int, threads: Int) throws {
        // 37 users: blocks of 3 or 5 leave a last block of 1 or 2 rows.
        let model = try ServingFixture.model(users: 37, items: 301, k: 16, seed: 31, biases: true, globalMean: 1.5)
        let data = try ServingFixture.interactions(for: model, perUser: 20, seed: 32)
        let bytes = rowsPerBlock * 4 * model.items
        let all = try model.recommend(users: Array(0 ..< model.users), k: 10, excludeSeen: .interactions(data), threads: threads,
                                      scoreBlockBytes: bytes)
        let denied = try model.recommend(users: Array(0 ..< model.users), k: 10, excludeSeen: .interactions(data), deny: [1, 2, 3, 50],
                                         threads: threads, scoreBlockBytes: bytes)
        let allowed = try model.recommend(users: Array(0 ..< model.users), k: 10, excludeSeen: .nothing,
                                          allow: Array(stride(from: 0, to: 301, by: 3)), threads: threads)
        for u in 0 ..< model.users {
            #expect(all[u] == (try model.recommend(user: u, k: 10, excludeSeen: .interactions(data))))
            #expect(denied[u] == (try model.recommend(user: u, k: 10, excludeSeen: .interactions(data), deny: [1, 2, 3, 50])))
            #expect(allowed[u] == (try model.recommend(user: u, k: 10, excludeSeen: .nothing,
                                                       allow: Array(stride(from: 0, to: 301, by: 3)))))
        }
    }

    @Test("recommendAll, a user subset in any order, and external ids agree")
    func shapesOfTheBatch() throws {
        let model = try ServingFixture.model(users: 25, items: 80, k: 8, seed: 33, stringIDs: true)
        let data = try ServingFixture.interactions(for: model, perUser: 5, seed: 34)
        let all = try model.recommendAll(k: 7, excludeSeen: .interactions(data))
        #expect(all.count == model.users)
        let subset = [24, 3, 3, 0, 17]
        let some = try model.recommend(users: subset, k: 7, excludeSeen: .interactions(data))
        #expect(some == subset.map { all[$0] })
        let named = try model.recommend(userIDs: subset.map(model.userIDs.externalID), k: 7, excludeSeen: .interactions(data))
        #expect(named == subset.map { all[$0].map { ScoredID(id: model.itemIDs.externalID($0.index), score: $0.score) } })
        #expect(try model.recommend(users: [], k: 7, excludeSeen: .interactions(data)).isEmpty)
        #expect(throws: ALSError.self) { try model.recommend(users: [0, 25], k: 7, excludeSeen: .interactions(data)) }
        #expect(throws: ALSError.unknownID(kind: "user", id: "x")) { try model.recommend(userIDs: ["x"], k: 7, excludeSeen: .nothing) }
    }
}
