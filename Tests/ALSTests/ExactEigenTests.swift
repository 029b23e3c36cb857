import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Exact solves of short rows in the Gram's eigenbasis (`_HalfStep.solveExactInEigenbasis`, the
/// Woodbury path of the Cholesky solver) against the dense reference and against the assembled
/// Cholesky it replaces.
@Suite("Cholesky solver: exact solves of short rows in the Gram's eigenbasis")
struct ExactEigenTests {
    /// One user and one item half-step of `config` on `data` against the reference, the path
    /// forced on, off or chosen by cost (`eigen`), the LAPACK path forced or not (`lapack`).
    private func expectMatchesReference(_ config: ALSConfiguration, _ data: InteractionMatrix, eigen: Bool?,
                                        lapack: Bool? = nil) throws {
        var state = try _TrainingState(configuration: config, data: data)
        state.paths.exactEigen = eigen
        state.paths.lapackCholesky = lapack
        let reference = _ReferenceSolver(config: config, data: data)
        try expectHalfStepsMatch(&state) { users, fixed, _ in try reference.halfStep(solveUsers: users, fixed: fixed) }
    }

    private func cholesky(_ name: String) throws -> ALSConfiguration {
        var config = try #require(modeConfigurations.first { $0.0 == name }).1
        config.solver = .cholesky
        return config
    }

    @Test("forced on, every mode equals the reference (row by row and through LAPACK)",
          arguments: modeConfigurations.map(\.0), [false, true])
    func everyMode(name: String, lapack: Bool) throws {
        try expectMatchesReference(try cholesky(name), try smallProblem(), eigen: true, lapack: lapack)
    }

    /// Implicit mode with eALS missing weights and frequency-scaled λ, or dense mode, at `factors`.
    private func large(_ mode: ALSConfiguration.Mode, factors: Int) -> ALSConfiguration {
        var config = ALSConfiguration.plain(mode: mode)
        config.solver = .cholesky
        config.factors = factors; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.regularizationExponent = 1; config.regularizationAlpha0 = 0.1
        if mode == .implicit { config.missingWeightExponent = 0.5 }
        return config
    }

    @Test("at 256 factors with few rows, forced on: equals the reference in implicit (eALS, frequency λ) and dense mode",
          arguments: [ALSConfiguration.Mode.implicit, .dense])
    func largeFactors(mode: ALSConfiguration.Mode) throws {
        try expectMatchesReference(large(mode, factors: 256), try smallProblem(users: 6, items: 10, count: 40, seed: 31), eigen: true)
    }

    @Test("chosen by cost at 128 factors: 100 users of about 3 entries take it and equal the reference",
          arguments: [ALSConfiguration.Mode.implicit, .dense])
    func chosenByCost(mode: ALSConfiguration.Mode) throws {
        let config = large(mode, factors: 128)
        let data = try smallProblem(users: 100, items: 12, count: 300, seed: 31)
        try _TrainingState(configuration: config, data: data).withProblem(users: true) { step in
            let basis = try step.exactSolveBasis(override: nil, threads: 1)
            #expect(basis != nil)
        }
        try expectMatchesReference(config, data, eigen: nil)
    }

    @Test("forced on and off, implicit mode's iterates differ in rounding only")
    func onEqualsOff() throws {
        try expectPathChangesRoundingOnly(try cholesky("implicit log"), try smallProblem()) { $0.exactEigen = $1 }
    }

    @Test("the basis is bitwise the same on 1 and 2 workers (Z in fixed chunks of rows, whatever the thread count)")
    func basisIndependentOfWorkers() throws {
        let data = try smallProblem(users: 40, items: 700, count: 2000, seed: 7)
        try _TrainingState(configuration: large(.implicit, factors: 16), data: data).withProblem(users: true) { step in
            let one = try step.exactSolveBasis(override: true, threads: 1)
            let two = try step.exactSolveBasis(override: true, threads: 2)
            #expect(one != nil)
            #expect(one?.z == two?.z)
            #expect(one?.vectors == two?.vectors)
        }
    }

    @Test("no basis without a Gram term or with a bias column, whatever the override",
          arguments: ["explicit", "explicit+biases+mean", "weighted linear"])
    func noBasis(name: String) throws {
        try _TrainingState(configuration: try cholesky(name), data: try smallProblem()).withProblem(users: true) { step in
            let basis = try step.exactSolveBasis(override: true, threads: 1)
            #expect(basis == nil)
        }
    }
}
