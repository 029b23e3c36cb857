import Testing
import CALSKernels
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Recommend: Int8 pre-selection")
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

    /// How many items per user the Int8 pre-selection passes on to be scored exactly (those
    /// within the slack of the k-th best approximate score), on models trained with the library
    /// defaults: the bound is a worst case, so this checks that it is not so loose that the
    /// exact pass does the work of a full scan.
    @Test("on trained models the pre-selection leaves few candidates for the exact pass",
          .enabled(if: EvaluationData.available("splits/ml100k-implicit/train.tsv", "splits/ml100k-temporal/train.tsv"),
                   "shared/data/splits/ml100k-{implicit,temporal}/train.tsv is absent"),
          arguments: ["ml100k-implicit", "ml100k-temporal"])
    func fewCandidates(split: String) throws {
        let train = try SplitFiles.load([EvaluationData.path("splits/\(split)/train.tsv")])[0]
        let model = try ALSTrainer(ALSConfiguration(mode: split.hasSuffix("implicit") ? .implicit : .explicit)).fit(train)
        let k = 10
        var total = 0, worst = 0
        var approx = [Float](repeating: 0, count: model.items)
        for u in 0 ..< model.users {
            let slack = try #require(approx.withUnsafeMutableBufferPointer { model._quantizedScores(user: u, into: $0) })
            let tau = approx.sorted(by: >)[k - 1]
            let n = approx.count { $0 >= tau - slack }
            total += n
            worst = max(worst, n)
        }
        let mean = Double(total) / Double(model.users)
        print("\(split): \(model.items) items, k \(k): \(String(format: "%.1f", mean)) candidates per user on average, \(worst) at most")
        #expect(mean <= 0.05 * Double(model.items), "\(split): mean \(mean)")
    }

    @Test("the C kernel gives bit for bit the Swift reference and the hand-computed dot, at every width",
          arguments: [(64, 4), (64, 7), (64, 1), (64, 300), (61, 9), (9, 5), (16, 3), (128, 33), (200, 17)] as [(Int, Int)])
    func kernelMatchesReference(k: Int, items: Int) throws {
        let model = try ServingFixture.model(users: 2, items: items, k: k, seed: UInt64(k + items))
        let q = try #require(_QuantizedFactors(model._itemFactors, rows: items, k: k))
        #expect(q.stride % 16 == 0 && q.stride >= k && q.stride < k + 16)
        let query = [Int16](unsafeUninitializedCapacity: q.stride) { buffer, n in
            n = q.stride
            _ = model.userFactors.withUnsafeBufferPointer { x in
                q.quantizeQuery(UnsafeBufferPointer(rebasing: x[0 ..< k]), into: buffer)
            }
        }
        #expect(query[k...].allSatisfy { $0 == 0 } && query.contains { abs(Int32($0)) == q.queryMaxQ })
        var fast = [Float](repeating: .nan, count: items), reference = fast
        try query.withUnsafeBufferPointer { qb in try fast.withUnsafeMutableBufferPointer { try q.scores(query: qb, factor: 0.5, into: $0) } }
        query.withUnsafeBufferPointer { qb in reference.withUnsafeMutableBufferPointer { q.referenceScores(query: qb, factor: 0.5, into: $0) } }
        for i in 0 ..< items {
            var dot = 0
            for f in 0 ..< q.stride { dot += Int(query[f]) * Int(q.values[i * q.stride + f]) }
            #expect(fast[i].bitPattern == reference[i].bitPattern, "k \(k) item \(i)")
            #expect(fast[i] == Float(dot) * 0.5, "k \(k) item \(i)")
        }
    }

    @Test("a malformed layout is refused by the kernel's status, not read past")
    func kernelRefusesBadStride() {
        let y = [Int8](repeating: 1, count: 32), q = [Int16](repeating: 1, count: 32)
        var out = [Float](repeating: 0, count: 2)
        for stride in [0, 8, 24] {
            let status = out.withUnsafeMutableBufferPointer { o in als_quantized_scores(2, Int64(stride), y, q, 1, o._start) }
            #expect(status == ALS_INVALID_ARGUMENT, "stride \(stride)")
        }
        let ok = out.withUnsafeMutableBufferPointer { o in als_quantized_scores(2, 16, y, q, 1, o._start) }
        #expect(ok == ALS_OK && out == [16, 16])
    }

    @Test("the largest dot product of a quantised query and row fits in Int32 for every k up to 4096")
    func noOverflow() {
        for stride in [16, 64, 128, 1200, 4096] {
            let qx = Int64(_QuantizedFactors.queryMaxQ(stride: stride))
            #expect(Int64(stride) * qx * Int64(_QuantizedFactors.itemMaxQ) <= Int64(Int32.max))
            #expect(qx >= 4000)
        }
        #expect(_QuantizedFactors.queryMaxQ(stride: 64) == 32767)
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
