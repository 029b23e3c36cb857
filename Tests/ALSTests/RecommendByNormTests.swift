import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Batch recommend over items in descending norm order with a per-user early stop: the path of
/// models without biases or a global mean (`_ItemsByNorm`, `_StreamingTopK.isDone`).
@Suite("Recommend: batch early stop by item norm")
struct RecommendByNormTests {
    /// A model whose item norms are heavy-tailed (item i scaled by 1/(1 + i/8)^1.5, shuffled),
    /// as ALS factors of popular and rare items are, so the early stop cuts most of the items.
    static func heavyTailed(users: Int, items: Int, k: Int, seed: UInt64, grid: Bool = false) throws -> ALSModel {
        let base = try ServingFixture.model(users: users, items: items, k: k, seed: seed, grid: grid)
        var rng = TestRNG(seed: seed &+ 1)
        let ranks = Array(0 ..< items).shuffled(using: &rng)
        var y = base.itemFactors
        for i in 0 ..< items {
            // Powers of two keep grid factors exact (and their ties) after scaling.
            let scale: Float = grid ? Float(1 << (ranks[i] % 4)) / 8 : 1 / Float(pow(1 + Double(ranks[i]) / 8, 1.5))
            for f in 0 ..< k { y[i * k + f] *= scale }
        }
        return try ALSModel(factors: k, userFactors: base.userFactors, itemFactors: y, userIDs: base.userIDs,
                            itemIDs: base.itemIDs, configuration: base.configuration)
    }

    @Test("equals the single-user results for every tile size, thread count and filter",
          arguments: [(7, 1), (64, 2), (1000, 3)] as [(Int, Int)])
    func equalsSingleUser(columns: Int, threads: Int) throws {
        let model = try Self.heavyTailed(users: 41, items: 997, k: 16, seed: 51)
        let data = try ServingFixture.interactions(for: model, perUser: 30, seed: 52)
        let bytes = columns * 4 * 41  // one tile of `columns` items for a block of all users
        let all = try model.recommend(users: Array(0 ..< model.users), k: 10, excludeSeen: .interactions(data), threads: threads,
                                      scoreBlockBytes: bytes)
        let denied = try model.recommend(users: Array(0 ..< model.users), k: 25, excludeSeen: .interactions(data), deny: [0, 5, 900],
                                         threads: threads, scoreBlockBytes: bytes)
        for u in 0 ..< model.users {
            #expect(all[u] == ServingFixture.fullSort(model, user: u, k: 10, excluded: ServingFixture.seen(data, u)))
            #expect(denied[u] == (try model.recommend(user: u, k: 25, excludeSeen: .interactions(data), deny: [0, 5, 900])))
        }
    }

    @Test("ties keep the lower item index, as in item order (grid factors, many equal scores)")
    func tiesFollowItemOrder() throws {
        let model = try Self.heavyTailed(users: 30, items: 400, k: 4, seed: 53, grid: true)
        let all = try model.recommend(users: Array(0 ..< model.users), k: 12, excludeSeen: .nothing, threads: 2,
                                      scoreBlockBytes: 16 * 4 * 30)
        for u in 0 ..< model.users {
            #expect(all[u] == ServingFixture.fullSort(model, user: u, k: 12, excluded: []))
        }
    }

    @Test("the norm order is a permutation with non-increasing norms and the matching rows")
    func orderInvariants() throws {
        let model = try Self.heavyTailed(users: 3, items: 200, k: 5, seed: 54)
        let order = model._cache.itemsByNorm(of: model)
        #expect(Set(order.order.map(Int.init)) == Set(0 ..< 200))
        for p in 0 ..< 200 {
            let i = Int(order.order[p])
            #expect(Int(order.position[i]) == p)
            #expect(Array(order.factors[(p * 5) ..< (p * 5 + 5)]) == Array(model.itemFactors[(i * 5) ..< (i * 5 + 5)]))
            if p > 0 { #expect(order.norms[p] <= order.norms[p - 1]) }
        }
        // The bound holds for every user and item from that position on.
        for u in 0 ..< 3 {
            let xn = model._cache.norms(.user, of: model).norms[u]
            for p in 0 ..< 200 {
                #expect(model.score(user: u, item: Int(order.order[p])) <= order.scoreBound(userNorm: xn, from: p))
            }
        }
    }

    @Test("a selection is done only once the bound plus the slack is below its cutoff")
    func isDoneSemantics() {
        var s = _StreamingTopK(k: 2, excluding: [], slack: 0.5)
        #expect(!s.isDone(below: -100))  // heap not full: nothing can be ruled out
        let scores: [Float] = [3, 5]
        scores.withUnsafeBufferPointer { s.scan($0, first: 0) }
        // Threshold 3, cutoff (3 − 0.5).nextDown: an item scoring up to 1.9 approximately 2.4 stays out.
        #expect(s.isDone(below: 1.9))
        #expect(!s.isDone(below: 2.0))
    }
}
