import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// A small random problem: users × items with `count` entries of values 1...5.
func smallProblem(users: Int = 12, items: Int = 9, count: Int = 45, seed: UInt64 = 7,
                  weights: Bool = false) throws -> InteractionMatrix {
    var t = randomTriplets(users: users, items: items, count: count, seed: seed)
    if weights {
        var rng = TestRNG(seed: seed &+ 99)
        t.weights = (0 ..< t.count).map { _ in Float.random(in: 0.5 ... 2, using: &rng) }
    }
    return try InteractionMatrix(users: users, items: items, triplets: t, duplicates: .last)
}

func rows(_ flat: [Float], dims: Int) -> [[Double]] {
    stride(from: 0, to: flat.count, by: dims).map { flat[$0 ..< $0 + dims].map(Double.init) }
}

func maxRelativeError(_ a: [[Double]], _ b: [[Double]]) -> Double {
    var num = 0.0, den = 0.0
    for (x, y) in zip(a, b) { for (p, q) in zip(x, y) { num = max(num, abs(p - q)); den = max(den, abs(q)) } }
    return num / max(den, 1e-12)
}

/// One user half-step of `state`, then one item half-step against the updated users, each
/// compared with `expected(solveUsers, fixed, current)` (the reference's rows for that side) to
/// `tolerance`, relative.
func expectHalfStepsMatch(_ state: inout _TrainingState, tolerance: Double = 1e-4,
                          _ expected: (Bool, [[Double]], [[Double]]) throws -> [[Double]]) throws {
    let dims = state.dims
    let expectedU = try expected(true, rows(state.V, dims: dims), rows(state.U, dims: dims))
    try state.userHalfStep(iteration: 1)
    #expect(maxRelativeError(rows(state.U, dims: dims), expectedU) < tolerance)
    let expectedV = try expected(false, rows(state.U, dims: dims), rows(state.V, dims: dims))
    try state.itemHalfStep(iteration: 1)
    #expect(maxRelativeError(rows(state.V, dims: dims), expectedV) < tolerance)
}

/// One iteration of `config` on `data` with an implementation path forced on and off by `force`:
/// the iterates differ (the path was taken), in rounding only.
func expectPathChangesRoundingOnly(_ config: ALSConfiguration, _ data: InteractionMatrix,
                                   force: (inout _HalfStep.Paths, Bool) -> Void) throws {
    var on = try _TrainingState(configuration: config, data: data), off = try _TrainingState(configuration: config, data: data)
    force(&on.paths, true)
    force(&off.paths, false)
    try on.iterate(iteration: 1)
    try off.iterate(iteration: 1)
    #expect(on.U != off.U)
    #expect(maxRelativeError(rows(on.U, dims: on.dims), rows(off.U, dims: off.dims)) < 1e-4)
    #expect(maxRelativeError(rows(on.V, dims: on.dims), rows(off.V, dims: off.dims)) < 1e-4)
}

/// Runs `iterations` iterations of `state`, expecting the loss not to increase (to rounding)
/// after any half-step.
func expectLossNeverIncreases(_ state: inout _TrainingState, iterations: Int) throws {
    var previous = try state.loss()
    for iteration in 1 ... iterations {
        try state.userHalfStep(iteration: iteration)
        let afterUsers = try state.loss()
        #expect(afterUsers <= previous * (1 + 1e-6) + 1e-9)
        try state.itemHalfStep(iteration: iteration)
        let afterItems = try state.loss()
        #expect(afterItems <= afterUsers * (1 + 1e-6) + 1e-9)
        previous = afterItems
    }
}

/// Every mode the engine has, with small factor counts so the reference stays cheap.
let modeConfigurations: [(String, ALSConfiguration)] = {
    func make(_ mode: ALSConfiguration.Mode, _ edit: (inout ALSConfiguration) -> Void = { _ in }) -> ALSConfiguration {
        var c = ALSConfiguration.plain(mode: mode)
        c.factors = 4
        c.regularization = 0.3
        c.initScale = 0.5
        edit(&c)
        return c
    }
    return [
        ("explicit", make(.explicit)),
        ("explicit+biases+mean", make(.explicit) { $0.biases = true; $0.globalMean = true; $0.biasRegularization = 0.7 }),
        ("dense", make(.dense)),
        ("weighted linear", make(.weighted) { $0.walsWeighting = .linear(w0: 0.5, wk: 2) }),
        ("weighted exponential", make(.weighted) { $0.walsWeighting = .exponential(w0: 0.2, e: 0.5) }),
        ("implicit linear", make(.implicit) { $0.alpha = 2 }),
        ("implicit scaled", make(.implicit) { $0.alpha = 3; $0.confidence = .scaled }),
        ("implicit log", make(.implicit) { $0.alpha = 2; $0.confidence = .log; $0.confidenceEpsilon = 0.5 }),
        ("implicit eALS + frequency λ", make(.implicit) {
            $0.missingWeightExponent = 0.5; $0.missingWeightTotal = 4
            $0.regularizationExponent = 1; $0.regularizationAlpha0 = 0.1
        }),
    ]
}()

@Suite("Training engine: fast half-steps against the dense reference")
struct HalfStepTests {
    @Test("one half-step equals the reference for every mode", arguments: modeConfigurations.map(\.0))
    func halfStepMatchesReference(name: String) throws {
        let config = modeConfigurations.first { $0.0 == name }!.1
        let data = try smallProblem()
        var state = try _TrainingState(configuration: config, data: data)
        let reference = _ReferenceSolver(config: config, data: data)
        try expectHalfStepsMatch(&state) { users, fixed, _ in try reference.halfStep(solveUsers: users, fixed: fixed) }
    }

    @Test("the gradient of the loss with respect to the updated side is ~0", arguments: modeConfigurations.map(\.0))
    func gradientVanishes(name: String) throws {
        let config = modeConfigurations.first { $0.0 == name }!.1
        let data = try smallProblem()
        var state = try _TrainingState(configuration: config, data: data)
        let reference = _ReferenceSolver(config: config, data: data)
        let dims = state.dims
        func gradientNorm(_ U: [[Double]], _ V: [[Double]]) -> Double {
            // Central differences are exact for a quadratic, up to rounding.
            var worst = 0.0
            let h = 1e-3
            for u in 0 ..< U.count {
                for d in 0 ..< dims {
                    var plus = U, minus = U
                    plus[u][d] += h; minus[u][d] -= h
                    let g = (reference.loss(users: plus, items: V) - reference.loss(users: minus, items: V)) / (2 * h)
                    worst = max(worst, abs(g))
                }
            }
            return worst
        }
        let before = gradientNorm(rows(state.U, dims: dims), rows(state.V, dims: dims))
        try state.userHalfStep(iteration: 1)
        let after = gradientNorm(rows(state.U, dims: dims), rows(state.V, dims: dims))
        #expect(before > 1e-2)
        #expect(after < 1e-3 * before + 1e-5)
    }

    @Test("the engine's loss equals the reference loss for every mode", arguments: modeConfigurations.map(\.0))
    func lossMatchesReference(name: String) throws {
        let config = modeConfigurations.first { $0.0 == name }!.1
        let data = try smallProblem()
        var state = try _TrainingState(configuration: config, data: data)
        try state.userHalfStep(iteration: 1)
        let reference = _ReferenceSolver(config: config, data: data)
        let expected = reference.loss(users: rows(state.U, dims: state.dims), items: rows(state.V, dims: state.dims))
        let got = try state.loss()
        #expect(abs(got - expected) <= 1e-4 * abs(expected))
    }

    @Test("with Cholesky the loss never increases from one half-step to the next", arguments: modeConfigurations.map(\.0))
    func lossMonotone(name: String) throws {
        let config = modeConfigurations.first { $0.0 == name }!.1
        let data = try smallProblem(users: 20, items: 15, count: 90, seed: 11)
        var state = try _TrainingState(configuration: config, data: data)
        try expectLossNeverIncreases(&state, iterations: 6)
    }

    @Test("CG with as many steps as factors equals Cholesky", arguments: ["explicit", "dense", "implicit linear", "weighted linear"])
    func cgEqualsCholesky(name: String) throws {
        var config = modeConfigurations.first { $0.0 == name }!.1
        let data = try smallProblem()
        var exact = try _TrainingState(configuration: config, data: data)
        config.solver = .cg
        config.cgSteps = config.factors
        var cg = try _TrainingState(configuration: config, data: data)
        try exact.userHalfStep(iteration: 1)
        try cg.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(cg.U, dims: cg.dims), rows(exact.U, dims: exact.dims)) < 1e-3)
    }

    @Test("CG equals Cholesky on rows long enough to be gathered, for k with and without vector tails",
          arguments: [8, 20, 32, 64, 70])
    func cgEqualsCholeskyGathered(k: Int) throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = k; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        // 60 × 40 with 1,500 draws: rows of 20–40 entries, past the kernel's gather threshold.
        let data = try smallProblem(users: 60, items: 40, count: 1500, seed: 17)
        var exact = try _TrainingState(configuration: config, data: data)
        config.solver = .cg
        config.cgSteps = 4 * k
        var cg = try _TrainingState(configuration: config, data: data)
        try exact.userHalfStep(iteration: 1); try exact.itemHalfStep(iteration: 1)
        try cg.userHalfStep(iteration: 1); try cg.itemHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(cg.U, dims: k), rows(exact.U, dims: k)) < 1e-3)
        #expect(maxRelativeError(rows(cg.V, dims: k), rows(exact.V, dims: k)) < 1e-3)
    }

    @Test("the left-looking Cholesky (k a multiple of 16) matches the reference", arguments: [16, 48])
    func choleskyMultipleOf16(k: Int) throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = k; config.regularization = 0.5; config.alpha = 3; config.initScale = 0.3
        let data = try smallProblem(users: 40, items: 30, count: 600, seed: 23)
        var state = try _TrainingState(configuration: config, data: data)
        let reference = _ReferenceSolver(config: config, data: data)
        let expected = try reference.halfStep(solveUsers: true, fixed: rows(state.V, dims: k))
        try state.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: k), expected) < 1e-4)
    }

    @Test("per-entry weights supplied by the caller are used by weighted mode")
    func entryWeights() throws {
        var config = ALSConfiguration.plain(mode: .weighted)
        config.factors = 3
        config.regularization = 0.2
        let data = try smallProblem(weights: true)
        var state = try _TrainingState(configuration: config, data: data)
        let reference = _ReferenceSolver(config: config, data: data)
        let expected = try reference.halfStep(solveUsers: true, fixed: rows(state.V, dims: 3))
        try state.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: 3), expected) < 1e-4)
    }
}

@Suite("Training engine: modes against hand-built formulas")
struct ModeFormulaTests {
    @Test("dense-equivalent mode equals explicit ALS on the fully observed matrix with zeros (50×30)")
    func denseEqualsZeroFilled() throws {
        let (users, items) = (50, 30)
        let sparse = try smallProblem(users: users, items: items, count: 300, seed: 3)
        // The same matrix with every missing cell stored as an explicit 0.
        var full = Triplets()
        var dense = [[Float]](repeating: [Float](repeating: 0, count: items), count: users)
        for u in 0 ..< users { for q in sparse.byUser.range(of: u) { dense[u][Int(sparse.byUser.innerIndices[q])] = sparse.byUser.values[q] } }
        for u in 0 ..< users { for i in 0 ..< items { full.users.append(Int32(u)); full.items.append(Int32(i)); full.values.append(dense[u][i]) } }
        let filled = try InteractionMatrix(users: users, items: items, triplets: full)
        var a = ALSConfiguration.plain(mode: .dense)
        a.factors = 5; a.regularization = 0.5; a.initScale = 0.3
        var b = a
        b.mode = .explicit
        var denseState = try _TrainingState(configuration: a, data: sparse)
        var explicitState = try _TrainingState(configuration: b, data: filled)
        explicitState.V = denseState.V
        explicitState.U = denseState.U
        for it in 1 ... 3 {
            try denseState.userHalfStep(iteration: it); try denseState.itemHalfStep(iteration: it)
            try explicitState.userHalfStep(iteration: it); try explicitState.itemHalfStep(iteration: it)
        }
        #expect(maxRelativeError(rows(denseState.V, dims: 5), rows(explicitState.V, dims: 5)) < 1e-3)
        #expect(maxRelativeError(rows(denseState.U, dims: 5), rows(explicitState.U, dims: 5)) < 1e-3)
    }

    @Test("explicit mode ignores missing cells: perturbing a missing cell's value changes nothing")
    func explicitIgnoresMissing() throws {
        var config = ALSConfiguration.plain(mode: .explicit)
        config.factors = 3
        config.regularization = 0.2
        let data = try smallProblem()
        var reference = _ReferenceSolver(config: config, data: data)
        var state = try _TrainingState(configuration: config, data: data)
        let fixed = rows(state.V, dims: 3)
        let before = try reference.halfStep(solveUsers: true, fixed: fixed)
        // Find a missing cell and give it a wild target.
        var changed = false
        outer: for u in 0 ..< data.users { for i in 0 ..< data.items where !reference.observed[u][i] {
            reference.target[u][i] = 1000; changed = true; break outer
        } }
        #expect(changed)
        let after = try reference.halfStep(solveUsers: true, fixed: fixed)
        #expect(after == before)
        try state.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: 3), after) < 1e-4)
    }

    @Test("implicit mode equals the closed form with dense C and P built by hand (30×20)")
    func implicitClosedForm() throws {
        let (users, items, k) = (30, 20, 4)
        let data = try smallProblem(users: users, items: items, count: 150, seed: 5)
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = k; config.alpha = 4; config.regularization = 0.1; config.initScale = 0.5
        var state = try _TrainingState(configuration: config, data: data)
        let Y = rows(state.V, dims: k)
        // C = 1 + α R and P = 1[R > 0], both dense, by hand.
        var R = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for u in 0 ..< users { for q in data.byUser.range(of: u) { R[u][Int(data.byUser.innerIndices[q])] = Double(data.byUser.values[q]) } }
        var expected: [[Double]] = []
        for u in 0 ..< users {
            // x_u = (Yᵀ C_u Y + λ I)⁻¹ Yᵀ C_u p_u
            var A = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            var b = [Double](repeating: 0, count: k)
            for i in 0 ..< items {
                let c = 1 + 4 * R[u][i], p: Double = R[u][i] > 0 ? 1 : 0
                for a in 0 ..< k { b[a] += c * p * Y[i][a]; for d in 0 ..< k { A[a][d] += c * Y[i][a] * Y[i][d] } }
            }
            for a in 0 ..< k { A[a][a] += 0.1 }
            expected.append(try _ReferenceSolver.solve(A, b, row: u, side: "user"))
        }
        try state.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: k), expected) < 1e-4)
    }

    @Test("WALS weights follow w0 + wk/c_n and w0 + c_n^-e")
    func walsWeights() {
        #expect(ALSWeights.wals(count: 4, .linear(w0: 0.5, wk: 2)) == 1.0)       // 0.5 + 2/4
        #expect(ALSWeights.wals(count: 100, .linear(w0: 0, wk: 10)) == 0.1)      // 10/100
        #expect(abs(ALSWeights.wals(count: 16, .exponential(w0: 0.25, e: 0.5)) - 0.5) < 1e-7) // 0.25 + 1/4
        #expect(abs(ALSWeights.wals(count: 8, .exponential(w0: 1, e: 1)) - 1.125) < 1e-7)     // 1 + 1/8
    }

    @Test("frequency-scaled λ follows λ·(n + α₀N)^ν, and eALS weights sum to their total")
    func frequencyScaledRegularization() {
        #expect(ALSWeights.regularizationScale(count: 10, universe: 100, alpha0: 0, exponent: 0) == 1)
        #expect(ALSWeights.regularizationScale(count: 10, universe: 100, alpha0: 0, exponent: 1) == 10)   // Spark's λ·n
        #expect(abs(ALSWeights.regularizationScale(count: 6, universe: 100, alpha0: 0.1, exponent: 0.5) - 4) < 1e-6) // √(6+10)
        #expect(ALSWeights.regularizationScale(count: 0, universe: 100, alpha0: 0, exponent: 1) == 1)    // empty row: plain λ
        let w = ALSWeights.missingWeights(counts: [1, 4, 9, 0], exponent: 0.5, total: 12)
        #expect(w.map { Double($0) } == [2, 4, 6, 0])   // √c = 1,2,3,0; total 12 → ×2
        #expect(ALSWeights.missingWeights(counts: [3, 5], exponent: 0, total: nil) == [1, 1])
    }
}

@Suite("Training loop: determinism, validation and failures")
struct TrainingLoopTests {
    @Test("the same seed gives identical factors with 1 and 2 threads", arguments: [ALSConfiguration.Solver.cholesky, .cg, .subspace])
    func threadIndependence(solver: ALSConfiguration.Solver) throws {
        let data = try smallProblem(users: 300, items: 120, count: 4000, seed: 21)
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 16; config.iterations = 3; config.solver = solver; config.regularization = 1
        config.blockSize = 5  // subspace: three blocks of 5 and a tail of 1
        config.threads = 1
        let one = try ALSTrainer(config).fit(data)
        config.threads = 2
        let two = try ALSTrainer(config).fit(data)
        #expect(one.userFactors == two.userFactors)
        #expect(one.itemFactors == two.itemFactors)
        #expect(one.lossHistory == two.lossHistory)
    }

    @Test("skipping the loss (computeLoss = false) trains the same factors and records no loss")
    func noLoss() throws {
        let data = try smallProblem(users: 60, items: 40, count: 600, seed: 23)
        var config = ALSConfiguration.plain(mode: .explicit)
        config.factors = 6; config.iterations = 4; config.biases = true; config.globalMean = true
        let with = try ALSTrainer(config).fit(data)
        config.computeLoss = false
        var losses: [Double?] = []
        let without = try ALSTrainer(config).fit(data) { losses.append($0.loss) }
        #expect(with.userFactors == without.userFactors && with.itemFactors == without.itemFactors)
        #expect(with.lossHistory.count == 4 && without.lossHistory.isEmpty)
        #expect(losses.count == 4 && losses.allSatisfy { $0 == nil })
    }

    @Test("test_lambda_zero_rank_deficient: λ = 0 on a rank-deficient row throws, never NaN factors",
          arguments: [4, 16])
    func rankDeficientRow(k: Int) throws {
        // User 0 has a single rating, so with k = 4 and λ = 0 its system has rank 1.
        let t = Triplets(users: [0, 1, 1, 1, 1, 1], items: [0, 0, 1, 2, 3, 4], values: [5, 1, 2, 3, 4, 5])
        let data = try InteractionMatrix(users: 2, items: 5, triplets: t)
        var config = ALSConfiguration.plain(mode: .explicit)
        config.factors = k; config.regularization = 0
        #expect(throws: ALSError.notPositiveDefinite(side: "user", row: 0)) { try ALSTrainer(config).fit(data) }
    }

    @Test("frequency-scaled λ with α₀ = 0 trains when an item has no ratings (its factor stays zero)",
          arguments: [false, true])
    func frequencyScaledEmptyItem(biases: Bool) throws {
        // Item 3 has no ratings, as a test-only item has in 'als tune': (0 + α₀·N)^ν = 0 used to
        // leave its explicit system all zeros and fail "not positive definite".
        let t = Triplets(users: [0, 0, 1, 1, 2, 2], items: [0, 1, 1, 2, 0, 2], values: [5, 3, 4, 2, 1, 4])
        let data = try InteractionMatrix(users: 3, items: 4, triplets: t)
        var config = ALSConfiguration.plain(mode: .explicit)
        config.factors = 2; config.regularization = 0.1; config.biases = biases; config.globalMean = biases
        config.regularizationExponent = 1; config.regularizationAlpha0 = 0
        let model = try ALSTrainer(config).fit(data)
        let k = model.factors
        #expect(model.itemFactors[3 * k ..< 4 * k].allSatisfy { $0 == 0 })
        #expect(!biases || model.itemBiases[3] == 0)
        #expect(model.userFactors.allSatisfy { $0.isFinite })
    }

    @Test("bad configuration values give typed errors", arguments: [
        { (c: inout ALSConfiguration) in c.factors = 0 },
        { (c: inout ALSConfiguration) in c.regularization = -1 },
        { (c: inout ALSConfiguration) in c.alpha = -2 },
        { (c: inout ALSConfiguration) in c.cgSteps = 0 },
        { (c: inout ALSConfiguration) in c.blockSize = 0 },
        { (c: inout ALSConfiguration) in c.sweeps = 0 },
        { (c: inout ALSConfiguration) in c.threads = -1 },
        { (c: inout ALSConfiguration) in c.mode = .implicit; c.biases = true },
    ] as [@Sendable (inout ALSConfiguration) -> Void])
    func validation(edit: @Sendable (inout ALSConfiguration) -> Void) {
        var c = ALSConfiguration.plain(mode: .explicit)
        edit(&c)
        #expect(throws: ALSError.self) { try ALSTrainer(c) }
    }

    @Test("implicit mode rejects negative values with a typed error")
    func implicitNegative() throws {
        let t = Triplets(users: [0, 1], items: [0, 1], values: [1, -2])
        let data = try InteractionMatrix(users: 2, items: 2, triplets: t)
        #expect(throws: ALSError.self) { try ALSTrainer(ALSConfiguration.plain(mode: .implicit)).fit(data) }
    }

    @Test("progress is reported once per iteration and early stopping stops")
    func progressAndEarlyStop() throws {
        let data = try smallProblem(users: 40, items: 30, count: 300, seed: 2)
        var config = ALSConfiguration.plain(mode: .explicit)
        config.factors = 3; config.iterations = 50; config.earlyStopTolerance = 1e-2
        var reports: [ALSProgress] = []
        let model = try ALSTrainer(config).fit(data) { reports.append($0) }
        #expect(!reports.isEmpty && reports.count < 50)
        #expect(reports.map(\.iteration) == Array(1 ... reports.count))
        #expect(model.lossHistory.count == reports.count)
    }
}
