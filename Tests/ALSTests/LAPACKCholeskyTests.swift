import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Exact solves through LAPACK `spotrf` (`_HalfStep.solveCholeskyLAPACK`, the Cholesky path
/// from `_HalfStep.lapackCholeskyMinimumDims`) against the dense reference, and failing where
/// the in-house factorisation fails.
@Suite("Large-k Cholesky: LAPACK solves against the dense reference")
struct LAPACKCholeskyTests {
    /// One user and one item half-step of `config` on `data` against the reference.
    private func expectMatchesReference(_ config: ALSConfiguration, _ data: InteractionMatrix, lapack: Bool?) throws {
        var state = try _TrainingState(configuration: config, data: data)
        state.paths.lapackCholesky = lapack
        let reference = _ReferenceSolver(config: config, data: data)
        try expectHalfStepsMatch(&state) { users, fixed, _ in try reference.halfStep(solveUsers: users, fixed: fixed) }
    }

    @Test("forced at 4 factors, every mode equals the reference", arguments: modeConfigurations.map(\.0))
    func everyMode(name: String) throws {
        try expectMatchesReference(try #require(modeConfigurations.first { $0.0 == name }).1, try smallProblem(), lapack: true)
    }

    @Test("at 256 factors (LAPACK by default) with few rows, equals the reference",
          arguments: [ALSConfiguration.Mode.implicit, .explicit])
    func largeFactors(mode: ALSConfiguration.Mode) throws {
        var config = ALSConfiguration.plain(mode: mode)
        config.factors = 256; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.regularizationExponent = 1; config.regularizationAlpha0 = 0.1
        if mode == .explicit { config.biases = true; config.globalMean = true }  // 257 unknowns a row
        if mode == .implicit { config.missingWeightExponent = 0.5 }
        // 4 × 6: the reference eliminates each row's dense 256 × 256 system in plain Double.
        let data = try smallProblem(users: 4, items: 6, count: 16, seed: 43)
        try _TrainingState(configuration: config, data: data).withProblem(users: true) { step in
            #expect(step.usesLAPACKCholesky(override: nil))
        }
        try expectMatchesReference(config, data, lapack: nil)
    }

    @Test("test_lambda_zero_rank_deficient through LAPACK: the same typed error as the kernel", arguments: [4, 16])
    func rankDeficientRow(k: Int) throws {
        let t = Triplets(users: [0, 1, 1, 1, 1, 1], items: [0, 0, 1, 2, 3, 4], values: [5, 1, 2, 3, 4, 5])
        let data = try InteractionMatrix(users: 2, items: 5, triplets: t)
        var config = ALSConfiguration.plain(mode: .explicit)
        config.factors = k; config.regularization = 0
        var state = try _TrainingState(configuration: config, data: data)
        state.paths.lapackCholesky = true
        #expect(throws: ALSError.notPositiveDefinite(side: "user", row: 0)) { try state.userHalfStep(iteration: 1) }
    }
}
