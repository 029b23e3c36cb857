import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// CG in blocks of rows (one `sgemm` per step and block, `_HalfStep.solveBatchedCG`) against
/// the row-by-row CG kernel it replaces above `_HalfStep.batchedCGMinimumDims`: the same
/// iterates up to float rounding.
@Suite("Batched CG: blocks of rows against row-by-row CG")
struct BatchedCGTests {
    /// One user and one item half-step of `config` with CG row by row and in blocks, compared.
    private func expectSameAsRowByRow(_ config: ALSConfiguration, _ data: InteractionMatrix,
                                      tolerance: Double = 1e-4) throws {
        var config = config
        config.solver = .cg
        var rowByRow = try _TrainingState(configuration: config, data: data)
        var batched = try _TrainingState(configuration: config, data: data)
        rowByRow.paths.batchedCG = false
        batched.paths.batchedCG = true
        try rowByRow.userHalfStep(iteration: 1); try batched.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(batched.U, dims: batched.dims), rows(rowByRow.U, dims: rowByRow.dims)) < tolerance)
        try rowByRow.itemHalfStep(iteration: 1); try batched.itemHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(batched.V, dims: batched.dims), rows(rowByRow.V, dims: rowByRow.dims)) < tolerance)
    }

    @Test("every mode, 3 steps, at 4 factors", arguments: modeConfigurations.map(\.0))
    func everyMode(name: String) throws {
        var config = try #require(modeConfigurations.first { $0.0 == name }).1
        config.cgSteps = 3
        try expectSameAsRowByRow(config, try smallProblem())
    }

    @Test("several blocks and a partial one, rows long enough for the row-by-row gather",
          arguments: [8, 20, 32])
    func blocksAndGatheredRows(k: Int) throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = k; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.cgSteps = 3
        // 150 users: blocks of 64, 64 and 22 rows; 20–40 entries a row.
        try expectSameAsRowByRow(config, try smallProblem(users: 150, items: 40, count: 4000, seed: 17))
    }

    @Test("at 256 factors with popularity-weighted missing data and frequency-scaled λ (the default there)")
    func largeFactors() throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 256; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.missingWeightExponent = 0.5; config.regularizationExponent = 1; config.regularizationAlpha0 = 0.1
        config.cgSteps = 3
        try expectSameAsRowByRow(config, try smallProblem(users: 70, items: 20, count: 600, seed: 41))
        // Without an override, 256 factors with a Gram run in blocks; explicit mode (no Gram) does not.
        try _TrainingState(configuration: config, data: try smallProblem()).withProblem(users: true) { step in
            #expect(step.usesBatchedCG(override: nil))
        }
        var explicit = config
        explicit.mode = .explicit; explicit.missingWeightExponent = 0
        try _TrainingState(configuration: explicit, data: try smallProblem()).withProblem(users: true) { step in
            #expect(!step.usesBatchedCG(override: nil))
        }
    }

    @Test("with as many steps as factors, batched CG equals Cholesky")
    func enoughStepsEqualCholesky() throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 12; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        let data = try smallProblem(users: 80, items: 30, count: 900, seed: 5)
        var exact = try _TrainingState(configuration: config, data: data)
        config.solver = .cg; config.cgSteps = 4 * config.factors
        var batched = try _TrainingState(configuration: config, data: data)
        batched.paths.batchedCG = true
        try exact.userHalfStep(iteration: 1); try batched.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(batched.U, dims: 12), rows(exact.U, dims: 12)) < 1e-3)
    }

    @Test("the same factors with 1 and 2 threads")
    func threadIndependence() throws {
        let data = try smallProblem(users: 300, items: 120, count: 4000, seed: 21)
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 16; config.solver = .cg; config.regularization = 1
        var results: [[Float]] = []
        for threads in [1, 2] {
            config.threads = threads
            var state = try _TrainingState(configuration: config, data: data)
            state.paths.batchedCG = true
            for iteration in 1 ... 2 { try state.userHalfStep(iteration: iteration); try state.itemHalfStep(iteration: iteration) }
            results.append(state.U + state.V)
        }
        #expect(results[0] == results[1])
    }
}
