import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Random models and interactions for the serving tests.
enum ServingFixture {
    /// A model with random factors. `grid` draws every factor from {−1, −½, 0, ½, 1}, so all dot
    /// products are exact and many scores tie; otherwise factors are uniform in [−1, 1).
    static func model(users: Int, items: Int, k: Int, seed: UInt64, biases: Bool = false, globalMean: Float = 0,
                      grid: Bool = false, stringIDs: Bool = false) throws -> ALSModel {
        var rng = TestRNG(seed: seed)
        func draw() -> Float {
            grid ? Float(Int.random(in: -2 ... 2, using: &rng)) / 2 : Float.random(in: -1 ..< 1, using: &rng)
        }
        let x = (0 ..< users * k).map { _ in draw() }
        let y = (0 ..< items * k).map { _ in draw() }
        let ub = biases ? (0 ..< users).map { _ in draw() } : []
        let ib = biases ? (0 ..< items).map { _ in draw() } : []
        var config = ALSConfiguration.plain(mode: biases ? .explicit : .implicit)
        config.factors = k
        config.biases = biases
        let uid = stringIDs ? try IDMap(strings: (0 ..< users).map { "user-\($0 * 7 + 3)" }) : try IDMap(integers: (0 ..< users).map { Int64($0 * 10 + 1) })
        let iid = stringIDs ? try IDMap(strings: (0 ..< items).map { "item-\($0 * 3 + 1)" }) : try IDMap(integers: (0 ..< items).map { Int64($0 * 5 + 2) })
        return try ALSModel(factors: k, userFactors: x, itemFactors: y, userBiases: ub, itemBiases: ib,
                            globalMean: globalMean, userIDs: uid, itemIDs: iid, configuration: config,
                            lossHistory: [3.5, 2.25, 2.0])
    }

    /// Random interactions matching `model`'s shape, about `perUser` per user.
    static func interactions(for model: ALSModel, perUser: Int, seed: UInt64) throws -> InteractionMatrix {
        var rng = TestRNG(seed: seed)
        var t = Triplets()
        for u in 0 ..< model.users {
            for _ in 0 ..< perUser {
                t.users.append(Int32(u))
                t.items.append(Int32.random(in: 0 ..< Int32(model.items), using: &rng))
                t.values.append(1)
            }
        }
        return try InteractionMatrix(users: model.users, items: model.items, triplets: t,
                                     userIDs: model.userIDs, itemIDs: model.itemIDs)
    }

    /// The reference: score every candidate with `score(user:item:)`, sort fully (score
    /// descending, index ascending), keep k.
    static func fullSort(_ model: ALSModel, user: Int, k: Int, excluded: Set<Int>, allowed: Set<Int>? = nil) -> [Scored] {
        let candidates = (0 ..< model.items).filter { !excluded.contains($0) && (allowed?.contains($0) ?? true) }
        let all = candidates.map { Scored(index: $0, score: model.score(user: user, item: $0)) }
        return Array(all.sorted { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }.prefix(k))
    }

    static func seen(_ m: InteractionMatrix, _ u: Int) -> Set<Int> {
        Set(m.byUser.range(of: u).map { Int(m.byUser.innerIndices[$0]) })
    }
}

@Suite("Recommend: exact top-K")
struct RecommendTopKTests {
    @Test("top-K equals a full sort on random models", arguments: [(1, false), (2, true), (3, false), (4, true)] as [(UInt64, Bool)])
    func equalsFullSort(seed: UInt64, biases: Bool) throws {
        let model = try ServingFixture.model(users: 20, items: 257, k: 24, seed: seed, biases: biases,
                                             globalMean: biases ? 3.5 : 0)
        let data = try ServingFixture.interactions(for: model, perUser: 15, seed: seed + 100)
        for u in 0 ..< model.users {
            for k in [1, 10, 50] {
                let got = try model.recommend(user: u, k: k, excludeSeen: .interactions(data))
                #expect(got == ServingFixture.fullSort(model, user: u, k: k, excluded: ServingFixture.seen(data, u)))
            }
        }
    }

    @Test("ties are broken by the lower item index", arguments: [5, 6, 7] as [UInt64])
    func ties(seed: UInt64) throws {
        // k = 2 on a 5-value grid: 25 distinct item rows among 200 items, so almost every
        // score is shared by several items.
        let model = try ServingFixture.model(users: 12, items: 200, k: 2, seed: seed, biases: seed == 6, grid: true)
        for u in 0 ..< model.users {
            let got = try model.recommend(user: u, k: 30, excludeSeen: .nothing)
            #expect(got == ServingFixture.fullSort(model, user: u, k: 30, excluded: []))
            #expect(Set(got.map(\.score)).count < got.count, "the fixture must produce ties")
        }
    }

    @Test("scores are exactly score(user:item:)")
    func scoresAreCanonical() throws {
        let model = try ServingFixture.model(users: 5, items: 100, k: 64, seed: 9, biases: true, globalMean: -1)
        for u in 0 ..< model.users {
            for r in try model.recommend(user: u, k: 20, excludeSeen: .nothing) {
                #expect(r.score == model.score(user: u, item: r.index))
            }
        }
    }

    @Test("BLAS pre-selection scores stay within half the slack of the canonical scores")
    func slackBoundsBLAS() throws {
        for k in [1, 7, 64, 200] {
            let model = try ServingFixture.model(users: 4, items: 300, k: k, seed: UInt64(k), biases: true, globalMean: 2)
            for u in 0 ..< model.users {
                var approx = [Float](repeating: 0, count: model.items)
                approx.withUnsafeMutableBufferPointer { model._approximateScores(user: u, into: $0) }
                let slack = model._recommendSlack(user: u)
                for i in 0 ..< model.items {
                    #expect(abs(approx[i] - model.score(user: u, item: i)) <= slack / 2)
                }
            }
        }
    }

    @Test("selection is exact when approximate scores are off by up to half the slack")
    func selectionWithinSlack() {
        var rng = TestRNG(seed: 11)
        for trial in 0 ..< 50 {
            // Exact scores on a coarse grid (many ties); approximations perturbed within slack/2.
            let n = 120, slack: Float = 0.01
            let exact = (0 ..< n).map { _ in Float(Int.random(in: 0 ..< 20, using: &rng)) / 200 }
            let approx = exact.map { $0 + Float.random(in: -slack / 2 ... slack / 2, using: &rng) }
            let excluded = _sortedUnique((0 ..< 10).map { _ in Int.random(in: 0 ..< n, using: &rng) })
            let k = trial % 15 + 1
            let got = approx.withUnsafeBufferPointer {
                _selectTopK(k: k, approximate: $0, excluding: excluded, slack: slack) { exact[$0] }
            }
            let expected = (0 ..< n).filter { !excluded.contains($0) }.map { Scored(index: $0, score: exact[$0]) }
                .sorted { _TopK.ranksBefore($0, $1) }.prefix(k)
            #expect(got == Array(expected))
        }
    }

    @Test("block skipping stops at the first block holding a score at or above the threshold")
    func skipBelow() {
        var rng = TestRNG(seed: 13)
        for _ in 0 ..< 2000 {
            let n = Int.random(in: 0 ..< 90, using: &rng)
            let t = Float(Int.random(in: 0 ..< 8, using: &rng))
            // Scores on a small grid, so that many equal t; NaN and ±∞ mixed in.
            let a: [Float] = (0 ..< n).map { _ in
                switch Int.random(in: 0 ..< 40, using: &rng) {
                case 0: return .nan
                case 1: return -.nan
                case 2: return .infinity
                case 3: return -.infinity
                default: return Float(Int.random(in: 0 ..< 10, using: &rng)) - 2.5 * Float(Int.random(in: 0 ... 1, using: &rng))
                }
            }
            let from = Int.random(in: 0 ... n + 9, using: &rng)
            var expected = from
            while expected + 8 <= n, !a[expected ..< expected + 8].contains(where: { $0 >= t }) { expected += 8 }
            let got = a.withUnsafeBufferPointer { _skipBelow($0, from: from, t) }
            #expect(got == expected, "n \(n) from \(from) t \(t) \(a)")
        }
    }

    @Test("the heap keeps the k best of any sequence and never admits NaN")
    func heap() {
        var rng = TestRNG(seed: 12)
        for k in [0, 1, 3, 17] {
            var top = _TopK(k: k)
            var all: [Scored] = []
            for i in 0 ..< 200 {
                let s = i % 13 == 0 ? Float.nan : Float(Int.random(in: 0 ..< 30, using: &rng))
                top.offer(s, i)
                if !s.isNaN { all.append(Scored(index: i, score: s)) }
            }
            #expect(top.sorted() == Array(all.sorted(by: _TopK.ranksBefore).prefix(k)))
        }
    }
}

@Suite("Recommend: filters and result counts")
struct RecommendFilterTests {
    let model: ALSModel
    let data: InteractionMatrix

    init() throws {
        model = try ServingFixture.model(users: 10, items: 60, k: 8, seed: 21)
        data = try ServingFixture.interactions(for: model, perUser: 12, seed: 22)
    }

    @Test("seen items, deny-list and allow-list are all respected")
    func filtersRespected() throws {
        var rng = TestRNG(seed: 23)
        for u in 0 ..< model.users {
            let deny = (0 ..< 8).map { _ in Int.random(in: 0 ..< model.items, using: &rng) }
            let allow = (0 ..< 30).map { _ in Int.random(in: 0 ..< model.items, using: &rng) }
            let seen = ServingFixture.seen(data, u)
            let got = try model.recommend(user: u, k: 10, excludeSeen: .interactions(data), allow: allow, deny: deny)
            #expect(got == ServingFixture.fullSort(model, user: u, k: 10, excluded: seen.union(deny), allowed: Set(allow)))
            for r in got {
                #expect(!seen.contains(r.index) && !deny.contains(r.index) && allow.contains(r.index))
            }
            let listed = try model.recommend(user: u, k: 10, excludeSeen: .items(Array(seen)), deny: deny)
            #expect(listed == ServingFixture.fullSort(model, user: u, k: 10, excluded: seen.union(deny)))
        }
    }

    /// `.interactions(train)` compared the matrix's id maps with the model's on every query
    /// (O(users + items), three quarters of a top-10 at the ML-20M shape); the model now
    /// remembers the last matrix it accepted, by buffer identity.
    @Test("seenMatrixAcceptedOnce: the id check runs once per matrix and never accepts other ids")
    func seenMatrixAcceptedOnce() throws {
        func rebuilt(itemIDs: [Int64]) throws -> InteractionMatrix {
            // The fixture's ids (see `ServingFixture.model`) in fresh buffers, so only a real
            // comparison can tell them equal.
            var t = Triplets()
            for u in 0 ..< data.users {
                for i in ServingFixture.seen(data, u) {
                    t.users.append(Int32(u))
                    t.items.append(Int32(i))
                    t.values.append(1)
                }
            }
            return try InteractionMatrix(users: data.users, items: data.items, triplets: t,
                                         userIDs: IDMap(integers: (0 ..< model.users).map { Int64($0 * 10 + 1) }),
                                         itemIDs: IDMap(integers: itemIDs))
        }
        let ids = (0 ..< model.items).map { Int64($0 * 5 + 2) }
        let same = try rebuilt(itemIDs: ids), reversed = try rebuilt(itemIDs: ids.reversed())
        #expect(same.itemIDs == model.itemIDs && same.userIDs == model.userIDs)
        #expect(!model._cache.isAccepted(seenMatrix: same))
        let expected = try model.recommend(user: 3, k: 10, excludeSeen: .interactions(data))
        for _ in 0 ..< 2 {
            #expect(try model.recommend(user: 3, k: 10, excludeSeen: .interactions(same)) == expected)
            #expect(model._cache.isAccepted(seenMatrix: same))
            #expect(throws: ALSError.self) { try model.recommend(user: 3, k: 10, excludeSeen: .interactions(reversed)) }
            #expect(!model._cache.isAccepted(seenMatrix: reversed))
        }
    }

    @Test("k results while enough candidates remain, all of them otherwise")
    func resultCounts() throws {
        for u in 0 ..< model.users {
            let candidates = model.items - ServingFixture.seen(data, u).count
            for k in [0, 1, 5, candidates - 1, candidates, candidates + 1, 1000] {
                let got = try model.recommend(user: u, k: k, excludeSeen: .interactions(data))
                #expect(got.count == min(k, candidates))
                #expect(Set(got.map(\.index)).count == got.count, "no item twice")
            }
            // An allow-list with duplicates still gives each item once.
            let got = try model.recommend(user: u, k: 10, excludeSeen: .nothing, allow: [3, 3, 4, 4, 5])
            #expect(got.map(\.index).sorted() == [3, 4, 5])
        }
        // Everything excluded: nothing to return.
        #expect(try model.recommend(user: 0, k: 5, excludeSeen: .nothing, deny: Array(0 ..< model.items)).isEmpty)
    }

    @Test("bad arguments give typed errors")
    func typedErrors() {
        #expect(throws: ALSError.self) { try model.recommend(user: model.users, k: 5, excludeSeen: .nothing) }
        #expect(throws: ALSError.self) { try model.recommend(user: -1, k: 5, excludeSeen: .nothing) }
        #expect(throws: ALSError.invalidConfiguration(parameter: "k", reason: "must be ≥ 0 (got -1); pass the number of results wanted")) {
            try model.recommend(user: 0, k: -1, excludeSeen: .nothing)
        }
        #expect(throws: ALSError.self) { try model.recommend(user: 0, k: 5, excludeSeen: .nothing, deny: [model.items]) }
        #expect(throws: ALSError.self) { try model.recommend(user: 0, k: 5, excludeSeen: .items([-3])) }
        let other = try! ServingFixture.model(users: 10, items: 61, k: 8, seed: 1)
        let wrong = try! ServingFixture.interactions(for: other, perUser: 2, seed: 1)
        #expect(throws: ALSError.self) { try model.recommend(user: 0, k: 5, excludeSeen: .interactions(wrong)) }
    }

    @Test("external ids give the dense results, named; unknown ids throw unknownID")
    func externalIDs() throws {
        for stringIDs in [false, true] {
            let m = try ServingFixture.model(users: 6, items: 40, k: 4, seed: 24, stringIDs: stringIDs)
            for u in 0 ..< m.users {
                let uid = m.userIDs.externalID(u)
                let deny = [m.itemIDs.externalID(0), m.itemIDs.externalID(7)]
                let seen = [m.itemIDs.externalID(3)]
                let got = try m.recommend(userID: uid, k: 8, excludeSeen: .ids(seen), deny: deny)
                let dense = try m.recommend(user: u, k: 8, excludeSeen: .items([3]), deny: [0, 7])
                #expect(got == dense.map { ScoredID(id: m.itemIDs.externalID($0.index), score: $0.score) })
                let allowed = try m.recommend(userID: uid, k: 8, excludeSeen: .nothing, allow: deny)
                #expect(Set(allowed.map(\.id)) == Set(deny))
            }
            #expect(throws: ALSError.unknownID(kind: "user", id: "nope")) {
                try m.recommend(userID: "nope", k: 3, excludeSeen: .nothing)
            }
            #expect(throws: ALSError.unknownID(kind: "item", id: "missing")) {
                try m.recommend(userID: m.userIDs.externalID(0), k: 3, excludeSeen: .nothing, deny: ["missing"])
            }
        }
    }
}
