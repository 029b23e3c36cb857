import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSTuning

/// A rank-2 rating matrix: r_ui = clamp(3 + a_u·b_i + c_u·d_i), each user rating `perUser` items.
func lowRankRatings(users: Int = 60, items: Int = 40, perUser: Int = 20, seed: UInt64 = 3) throws -> InteractionMatrix {
    var rng = _SplitMix64(seed: seed)
    func draw() -> Float { Float(rng.below(2001)) / 1000 - 1 }
    let u = (0 ..< users).map { _ in (draw(), draw()) }, v = (0 ..< items).map { _ in (draw(), draw()) }
    var t = Triplets()
    for user in 0 ..< users {
        var row = Array(0 ..< items)
        rng.choose(perUser, from: &row)
        for item in row.prefix(perUser) {
            t.users.append(Int32(user))
            t.items.append(Int32(item))
            t.values.append(min(5, max(1, 3 + 1.5 * (u[user].0 * v[item].0 + u[user].1 * v[item].1))))
        }
    }
    return try InteractionMatrix(users: users, items: items, triplets: t)
}

@Suite("Tuning: metrics by name, grids, and a grid search on a validation split")
struct TuneTests {
    @Test("metric names parse both ways; K must be positive; errors are lower-is-better")
    func metricNames() {
        for name in ["ndcg@10", "recall@20", "precision@5", "capped-recall@10", "map@3", "hit-rate@1", "rmse", "mae", "sign-accuracy"] {
            #expect(EvaluationMetric(name)?.description == name)
        }
        #expect(EvaluationMetric("NDCG@10") == .ndcg(k: 10) && EvaluationMetric("ndcg@0") == nil && EvaluationMetric("ndcg") == nil)
        #expect(EvaluationMetric.rmse.isBetter(0.9, than: 1) && !EvaluationMetric.ndcg(k: 10).isBetter(0.2, than: 0.3))
        #expect(EvaluationMetric.ndcg(k: 1).isBetter(0.1, than: .nan) && !EvaluationMetric.rmse.isBetter(.nan, than: 1))
    }

    @Test("grid axes parse; points are the Cartesian product, first axis slowest")
    func gridPoints() throws {
        let grid = HyperparameterGrid([
            try HyperparameterGrid.axis(parsing: "factors=8,16"),
            try HyperparameterGrid.axis(parsing: "regularization = 0.1, 10"),
        ])
        #expect(grid.count == 4)
        #expect(grid.points.map { $0.map(\.value) } == [[8, 0.1], [8, 10], [16, 0.1], [16, 10]])
        #expect(throws: ALSError.self) { try HyperparameterGrid.axis(parsing: "factors=8.5") }
        #expect(throws: ALSError.self) { try HyperparameterGrid.axis(parsing: "lambda=1") }
        #expect(throws: ALSError.self) { try HyperparameterGrid.axis(parsing: "alpha=") }
        #expect(HyperparameterGrid().points.count == 1)
    }

    @Test("every parameter lands in its configuration field; WALS weights switch kind")
    func apply() throws {
        var c = ALSConfiguration.plain(mode: .weighted)
        for (p, v) in [(HyperparameterGrid.Parameter.factors, 12.0), (.regularization, 3), (.alpha, 4), (.iterations, 5),
                       (.biasRegularization, 6), (.confidenceEpsilon, 7), (.cgSteps, 2), (.missingWeightExponent, 0.5),
                       (.regularizationExponent, 1), (.regularizationAlpha0, 0.25), (.walsWk, 9), (.walsW0, 0.5)] {
            p.apply(v, to: &c)
        }
        #expect(c.factors == 12 && c.regularization == 3 && c.alpha == 4 && c.iterations == 5 && c.biasRegularization == 6)
        #expect(c.confidenceEpsilon == 7 && c.cgSteps == 2 && c.missingWeightExponent == 0.5)
        #expect(c.regularizationExponent == 1 && c.regularizationAlpha0 == 0.25)
        #expect(c.walsWeighting == .linear(w0: 0.5, wk: 9))
        HyperparameterGrid.Parameter.walsExponent.apply(0.75, to: &c)
        #expect(c.walsWeighting == .exponential(w0: 0.5, e: 0.75))
        // An invalid point is refused when the configuration is built.
        #expect(throws: ALSError.self) { try HyperparameterGrid.configuration(c, at: [(.factors, 0)]) }
    }

    @Test("grid search scores every point on validation only, and picks the best figure")
    func search() throws {
        let data = try lowRankRatings()
        var base = ALSConfiguration.plain(mode: .explicit)
        base.factors = 2
        base.iterations = 10
        base.biases = true
        base.globalMean = true
        base.threads = 1
        base.regularizationExponent = 0
        let grid = HyperparameterGrid([HyperparameterGrid.Axis(.regularization, [0.001, 1, 1000])])
        var search = GridSearch(base: base, grid: grid, metric: .rmse)
        search.validationFraction = 0.25
        var calls: [Int] = []
        let result = try search.run(train: data) { done, total, _ in
            #expect(total == 3)
            calls.append(done)
        }
        #expect(calls == [1, 2, 3] && result.trials.count == 3)
        // The validation split is carved from the data the search was given, per user.
        #expect(result.validation.train.nonZeros + result.validation.test.nonZeros == data.nonZeros)
        #expect(result.validation.test.nonZeros == 60 * 5)
        // Each trial's figure is the validation RMSE of that configuration trained on the rest.
        for t in result.trials {
            let model = try ALSTrainer(t.configuration).fit(result.validation.train)
            let rmse = try evaluateRatings(model: model, train: result.validation.train, test: result.validation.test).rmse
            #expect(t.value == rmse)
        }
        let values = result.trials.map { $0.value! }
        #expect(result.best == values.indices.min { values[$0] < values[$1] })
        // λ = 1000 flattens the factors to nothing; a moderate λ fits the rank-2 signal better.
        #expect(values[1] < values[2])
        // A ranking metric chooses the highest figure instead.
        var ranking = GridSearch(base: base, grid: grid, metric: .ndcg(k: 5))
        ranking.validationFraction = 0.25
        let r = try ranking.run(train: data)
        let ndcgs = r.trials.map { $0.value! }
        #expect(r.best == ndcgs.indices.max { (ndcgs[$0], -$0) < (ndcgs[$1], -$1) })
    }

    @Test("a factors axis takes each count's solver, as als train does, unless the solver is kept")
    func gridSolverFollowsFactors() throws {
        let data = try lowRankRatings()
        var base = ALSConfiguration(mode: .explicit)
        base.iterations = 2
        base.threads = 1
        let grid = HyperparameterGrid([HyperparameterGrid.Axis(.factors, [8, 64])])
        #expect(base.solver == .cg)
        var search = GridSearch(base: base, grid: grid, metric: .rmse)
        #expect(try search.run(train: data).trials.map(\.configuration.solver) == [.cholesky, .cg])
        search.keepSolver = true
        #expect(try search.run(train: data).trials.map(\.configuration.solver) == [.cg, .cg])
    }

    @Test("ratings become ±1 preferences at a threshold")
    func signed() throws {
        let m = try InteractionMatrix(users: 2, items: 2, triplets: Triplets(users: [0, 0, 1], items: [0, 1, 1], values: [4, 3.5, 5]))
        #expect(try m.signed(threshold: 4).byUser.values == [1, -1, 1])
    }
}
