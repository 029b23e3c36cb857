import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Recommend: Int16 pre-selection")
struct RecommendQuantizedTests {
    /// A model whose factor magnitudes span `decades` powers of ten (row by row), so that small
    /// rows quantise to a few levels and the error bound is exercised at both ends.
    static func model(users: Int, items: Int, k: Int, seed: UInt64, decades: Int, biases: Bool) throws -> ALSModel {
        let base = try ServingFixture.model(users: users, items: items, k: k, seed: seed, biases: biases,
                                            globalMean: biases ? -0.75 : 0)
        var rng = TestRNG(seed: seed + 1000)
        func spread(_ f: [Float], rows: Int) -> [Float] {
            var f = f
            for r in 0 ..< rows {
                var m: Float = 1
                for _ in 0 ..< Int.random(in: 0 ... decades, using: &rng) { m /= 10 }
                for j in 0 ..< k { f[r * k + j] *= m }
            }
            return f
        }
        return try ALSModel(factors: k, userFactors: spread(base.userFactors, rows: users),
                            itemFactors: spread(base.itemFactors, rows: items), userBiases: base.userBiases,
                            itemBiases: base.itemBiases, globalMean: base.globalMean, userIDs: base.userIDs,
                            itemIDs: base.itemIDs, configuration: base.configuration)
    }

    @Test("quantised scores stay within half the slack of the canonical scores",
          arguments: [(1, 0, false), (7, 3, true), (8, 0, false), (63, 2, false), (64, 6, true), (64, 0, false),
                      (200, 4, true), (600, 2, false)] as [(Int, Int, Bool)])
    func slackBound(k: Int, decades: Int, biases: Bool) throws {
        let model = try Self.model(users: 6, items: 257, k: k, seed: UInt64(k * 10 + decades), decades: decades, biases: biases)
        var checked = 0
        for u in 0 ..< model.users {
            var approx = [Float](repeating: 0, count: model.items)
            let slack = try #require(approx.withUnsafeMutableBufferPointer { model._quantizedScores(user: u, into: $0) })
            for i in 0 ..< model.items {
                #expect(abs(approx[i] - model.score(user: u, item: i)) <= slack / 2, "k \(k) user \(u) item \(i)")
                checked += 1
            }
        }
        #expect(checked == 6 * 257)
    }

    @Test("recommend equals a full sort when magnitudes span many decades", arguments: [3, 64, 70] as [Int])
    func equalsFullSort(k: Int) throws {
        let model = try Self.model(users: 10, items: 300, k: k, seed: UInt64(k), decades: 5, biases: k == 70)
        let data = try ServingFixture.interactions(for: model, perUser: 20, seed: 99)
        for u in 0 ..< model.users {
            for n in [1, 10, 40] {
                let got = try model.recommend(user: u, k: n, excludeSeen: .interactions(data))
                #expect(got == ServingFixture.fullSort(model, user: u, k: n, excluded: ServingFixture.seen(data, u)))
            }
        }
    }

    @Test("the C kernel gives bit for bit the Swift reference and the hand-computed dot, at every width",
          arguments: [(64, 4), (64, 7), (64, 1), (64, 300), (61, 9), (9, 5), (16, 3), (128, 33), (200, 17)] as [(Int, Int)])
    func kernelMatchesReference(k: Int, items: Int) throws {
        let model = try ServingFixture.model(users: 2, items: items, k: k, seed: UInt64(k + items))
        let q = try #require(_QuantizedFactors(model._itemFactors, rows: items, k: k))
        let query = [SIMD8<Int16>](unsafeUninitializedCapacity: q.vectors) { buffer, n in
            n = q.vectors
            _ = model.userFactors.withUnsafeBufferPointer { x in
                q.quantizeQuery(UnsafeBufferPointer(rebasing: x[0 ..< k]), into: buffer)
            }
        }
        var fast = [Float](repeating: .nan, count: items), reference = fast
        try query.withUnsafeBufferPointer { qb in try fast.withUnsafeMutableBufferPointer { try q.scores(query: qb, factor: 0.5, into: $0) } }
        query.withUnsafeBufferPointer { qb in reference.withUnsafeMutableBufferPointer { q.referenceScores(query: qb, factor: 0.5, into: $0) } }
        let lanes = query.flatMap { v in (0 ..< 8).map { Int(v[$0]) } }
        for i in 0 ..< items {
            var dot = 0
            for f in 0 ..< 8 * q.vectors { dot += lanes[f] * Int(q.values[i * q.vectors + f / 8][f % 8]) }
            #expect(fast[i].bitPattern == reference[i].bitPattern, "k \(k) item \(i)")
            #expect(fast[i] == Float(dot) * 0.5, "k \(k) item \(i)")
        }
    }

    @Test("the largest dot product of quantised rows fits in Int32 for every k up to 4096")
    func noOverflow() {
        for vectors in [1, 8, 64, 75, 512] {
            let q = Int64(_QuantizedFactors.maxQ(vectors: vectors))
            #expect(Int64(8 * vectors) * q * q <= Int64(Int32.max))
            #expect(2 * q * q <= Int64(Int32.max))
            #expect(q >= 700)
        }
    }

    @Test("zero rows and non-finite factors fall back to sgemv with the same results")
    func fallbacks() throws {
        var f = try ServingFixture.model(users: 3, items: 50, k: 8, seed: 21)
        var x = f.userFactors
        for j in 0 ..< 8 { x[8 + j] = 0 }  // user 1 is all zero
        f = try ALSModel(factors: 8, userFactors: x, itemFactors: f.itemFactors, userIDs: f.userIDs, itemIDs: f.itemIDs,
                         configuration: f.configuration)
        var scratch = [Float](repeating: 0, count: 50)
        #expect(scratch.withUnsafeMutableBufferPointer { f._quantizedScores(user: 1, into: $0) } == nil)
        #expect(try f.recommend(user: 1, k: 5, excludeSeen: .nothing) == ServingFixture.fullSort(f, user: 1, k: 5, excluded: []))

        var y = f.itemFactors
        y[3] = .infinity
        let g = try ALSModel(factors: 8, userFactors: f.userFactors, itemFactors: y, userIDs: f.userIDs, itemIDs: f.itemIDs,
                             configuration: f.configuration)
        #expect(_QuantizedFactors(g._itemFactors, rows: 50, k: 8) == nil)
        #expect(scratch.withUnsafeMutableBufferPointer { g._quantizedScores(user: 0, into: $0) } == nil)
        let zero = try ALSModel(factors: 8, userFactors: f.userFactors, itemFactors: [Float](repeating: 0, count: 400),
                                userIDs: f.userIDs, itemIDs: f.itemIDs, configuration: f.configuration)
        #expect(_QuantizedFactors(zero._itemFactors, rows: 50, k: 8) == nil)
        #expect(try zero.recommend(user: 0, k: 3, excludeSeen: .nothing).map(\.index) == [0, 1, 2])
    }
}
