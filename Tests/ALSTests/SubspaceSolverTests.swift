import CALSKernels
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The iALS++ subspace solver (`Solver.subspace`, kernel `als_solve_subspace_row`) against the
/// plain Double block sweep of `_ReferenceSolver.subspaceHalfStep`, and against the exact solve
/// it must equal when one block holds every dimension.
@Suite("Subspace solver: block sweeps against the dense reference")
struct SubspaceSolverTests {
    /// `modeConfigurations`' entry `name` with the subspace solver.
    private func subspace(_ name: String, block: Int, sweeps: Int) throws -> ALSConfiguration {
        var config = try #require(modeConfigurations.first { $0.0 == name }).1
        config.solver = .subspace
        config.blockSize = block
        config.sweeps = sweeps
        return config
    }

    /// One user and one item half-step of `config` on `data`, each against the reference sweep
    /// from the same warm start.
    private func expectMatchesReference(_ config: ALSConfiguration, _ data: InteractionMatrix) throws {
        var state = try _TrainingState(configuration: config, data: data)
        let reference = _ReferenceSolver(config: config, data: data)
        try expectHalfStepsMatch(&state) { users, fixed, current in
            try reference.subspaceHalfStep(solveUsers: users, fixed: fixed, current: current,
                                           block: config.blockSize, sweeps: config.sweeps)
        }
    }

    @Test("one half-step equals the reference block sweep for every mode (blocks of 3 with a tail, 2 sweeps)",
          arguments: modeConfigurations.map(\.0))
    func matchesReference(name: String) throws {
        try expectMatchesReference(try subspace(name, block: 3, sweeps: 2), try smallProblem())
    }

    @Test("across several blocks of rows (40 users: blocks of 16, 16 and 8) equals the reference")
    func severalRowBlocks() throws {
        let config = try subspace("implicit eALS + frequency λ", block: 3, sweeps: 2)
        try expectMatchesReference(config, try smallProblem(users: 40, items: 9, count: 150, seed: 3))
    }

    @Test("block 1 (coordinate descent) equals the reference for every mode", arguments: modeConfigurations.map(\.0))
    func coordinateDescentMatchesReference(name: String) throws {
        try expectMatchesReference(try subspace(name, block: 1, sweeps: 1), try smallProblem())
    }

    @Test("at 256 factors with few rows: blocks of 64 and 48 (with a tail) equal the reference",
          arguments: [(64, ALSConfiguration.Mode.implicit), (48, .implicit), (64, .dense), (64, .explicit)])
    func largeFactors(block: Int, mode: ALSConfiguration.Mode) throws {
        var config = ALSConfiguration.plain(mode: mode)
        config.factors = 256; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.regularizationExponent = 1; config.regularizationAlpha0 = 0.1
        config.solver = .subspace; config.blockSize = block; config.sweeps = 1
        // 6 × 10: the reference forms each row's 256 × 256 system from every cell.
        try expectMatchesReference(config, try smallProblem(users: 6, items: 10, count: 40, seed: 31))
    }

    @Test("a block of every dimension is the exact solve: one sweep equals Cholesky for every mode",
          arguments: modeConfigurations.map(\.0))
    func wholeBlockEqualsCholesky(name: String) throws {
        let data = try smallProblem()
        let config = try subspace(name, block: 1000, sweeps: 1)
        var exact = try _TrainingState(configuration: try #require(modeConfigurations.first { $0.0 == name }).1, data: data)
        var fast = try _TrainingState(configuration: config, data: data)
        try exact.userHalfStep(iteration: 1); try fast.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(fast.U, dims: fast.dims), rows(exact.U, dims: exact.dims)) < 1e-4)
        try exact.itemHalfStep(iteration: 1); try fast.itemHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(fast.V, dims: fast.dims), rows(exact.V, dims: exact.dims)) < 1e-4)
    }

    @Test("at 256 factors a block of 256 equals the exact reference solve")
    func wholeBlockAtLargeFactors() throws {
        var config = ALSConfiguration.plain(mode: .implicit)
        // λ = 2, not 0.5: with 256 unknowns and 40 cells the float solve's error against the
        // Double reference is conditioning, not the algorithm (0.5 gave 1.1e-4 under ASan).
        config.factors = 256; config.regularization = 2; config.alpha = 2; config.initScale = 0.3
        config.solver = .subspace; config.blockSize = 256
        let data = try smallProblem(users: 6, items: 10, count: 40, seed: 37)
        var state = try _TrainingState(configuration: config, data: data)
        let expected = try _ReferenceSolver(config: config, data: data).halfStep(solveUsers: true, fixed: rows(state.V, dims: 256))
        try state.userHalfStep(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: 256), expected) < 1e-4)
    }

    @Test("every block step minimises its block: the loss never increases, for every mode (blocks of 1 and 3)",
          arguments: modeConfigurations.map(\.0), [1, 3])
    func lossMonotone(name: String, block: Int) throws {
        let data = try smallProblem(users: 20, items: 15, count: 90, seed: 11)
        var state = try _TrainingState(configuration: try subspace(name, block: block, sweeps: 1), data: data)
        try expectLossNeverIncreases(&state, iterations: 4)
    }

    @Test("more sweeps converge to the exact solve")
    func sweepsConverge() throws {
        let data = try smallProblem(users: 60, items: 40, count: 1500, seed: 17)
        var config = ALSConfiguration.plain(mode: .implicit)
        config.factors = 20; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        var exact = try _TrainingState(configuration: config, data: data)
        try exact.userHalfStep(iteration: 1)
        config.solver = .subspace; config.blockSize = 6
        var errors: [Double] = []
        for sweeps in [1, 4, 40] {
            config.sweeps = sweeps
            var state = try _TrainingState(configuration: config, data: data)
            try state.userHalfStep(iteration: 1)
            errors.append(maxRelativeError(rows(state.U, dims: 20), rows(exact.U, dims: 20)))
        }
        #expect(errors[1] < errors[0] && errors[2] < 1e-3, "\(errors)")
    }
}

@Suite("Kernel: als_solve_subspace_row arguments")
struct KernelSubspaceTests {
    @Test("bad sizes are rejected with ALS_INVALID_ARGUMENT, and scratch grows with the row")
    func invalidArguments() {
        let k: Int32 = 4
        var G = [Float](repeating: 0, count: 16), reg = [Float](repeating: 1, count: 4), x = [Float](repeating: 0, count: 4)
        var scratch = [Float](repeating: 0, count: Int(als_subspace_scratch_floats(k, 2, 1)))
        let idx: [Int32] = [0], d: [Float] = [1], t: [Float] = [1], Y: [Float] = [1, 0, 0, 0]
        for (kk, block, sweeps, ldy) in [(0, 2, 1, 4), (k, 0, 1, 4), (k, 2, -1, 4), (k, 2, 1, 3)] as [(Int32, Int32, Int32, Int64)] {
            let status = als_solve_subspace_row(kk, &G, 1, &reg, 1, 1, idx, d, t, Y, ldy, block, sweeps, &x, &scratch)
            #expect(status == ALS_INVALID_ARGUMENT, "k \(kk) block \(block) sweeps \(sweeps) ldy \(ldy)")
        }
        var s: [Float] = [0], gx: [Float] = [0, 0]
        #expect(als_solve_subspace_row(k, &G, 1, &reg, 1, 1, idx, d, t, Y, 4, 2, 1, &x, &scratch) == ALS_OK)
        for (b0, b) in [(-1, 2), (0, 0), (3, 2)] as [(Int32, Int32)] {  // the block must lie inside 0 ..< k
            let status = als_subspace_block_step(k, &G, 1, &reg, 1, 1, idx, d, t, Y, 4, b0, b, &gx, &x, &s, &scratch)
            #expect(status == ALS_INVALID_ARGUMENT, "b0 \(b0) b \(b)")
        }
        x = [0, 0, 0, 0]
        #expect(als_subspace_scratch_floats(k, 2, 100) > als_subspace_scratch_floats(k, 2, 1))
        #expect(als_subspace_scratch_floats(k, 100, 0) == als_subspace_scratch_floats(k, 4, 0))
        // One entry y = e₀ with d = t = 1 and λ = 1: x₀ = 1/2, the rest 0.
        let status = als_solve_subspace_row(k, &G, 1, &reg, 1, 1, idx, d, t, Y, 4, 2, 1, &x, &scratch)
        #expect(status == ALS_OK && x == [0.5, 0, 0, 0])
    }
}
