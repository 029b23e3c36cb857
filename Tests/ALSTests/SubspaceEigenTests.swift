import CALSKernels
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The subspace solver's eigenbasis block step (`als_subspace_eigen_block_step`, the Woodbury
/// solve in the eigenbasis of G_BB that rows shorter than the block take) against the assembled
/// block step it replaces and against the dense reference.
@Suite("Subspace solver: the eigenbasis block step against the assembled step and the reference")
struct SubspaceEigenTests {
    private func subspace(_ name: String, block: Int, sweeps: Int = 1, schedule: ALSConfiguration.SubspaceSchedule = .rows,
                          eigen: Bool) throws -> (ALSConfiguration, Bool) {
        var config = try #require(modeConfigurations.first { $0.0 == name }).1
        config.solver = .subspace
        config.blockSize = block
        config.sweeps = sweeps
        config.subspaceSchedule = schedule
        return (config, eigen)
    }

    /// One half-step per side (rows schedule) against the reference sweep, the eigenbasis step
    /// forced on or off.
    private func expectHalfStepsMatchReference(_ config: ALSConfiguration, eigen: Bool, _ data: InteractionMatrix) throws {
        var state = try _TrainingState(configuration: config, data: data)
        state.paths.subspaceEigen = eigen
        let reference = _ReferenceSolver(config: config, data: data)
        try expectHalfStepsMatch(&state) { users, fixed, current in
            try reference.subspaceHalfStep(solveUsers: users, fixed: fixed, current: current,
                                           block: config.blockSize, sweeps: config.sweeps)
        }
    }

    @Test("rows schedule: one half-step per side equals the reference for every mode, the step forced on and off (blocks of 3, 2 sweeps)",
          arguments: modeConfigurations.map(\.0), [true, false])
    func rowsMatchReference(name: String, eigen: Bool) throws {
        let (config, eigen) = try subspace(name, block: 3, sweeps: 2, eigen: eigen)
        try expectHalfStepsMatchReference(config, eigen: eigen, try smallProblem())
    }

    @Test("interleaved schedule: one iteration equals the reference's block-by-block alternation for every mode, the step forced on",
          arguments: modeConfigurations.map(\.0))
    func interleavedMatchesReference(name: String) throws {
        let (config, _) = try subspace(name, block: 3, schedule: .interleaved, eigen: true)
        let data = try smallProblem(users: 40, items: 30, count: 200, seed: 5)
        var state = try _TrainingState(configuration: config, data: data)
        state.paths.subspaceEigen = true
        let reference = _ReferenceSolver(config: config, data: data)
        let dims = state.dims
        var U = rows(state.U, dims: dims), V = rows(state.V, dims: dims)
        for b0 in stride(from: 0, to: dims, by: 3) {
            let B = b0 ..< min(dims, b0 + 3)
            U = try reference.subspaceHalfStep(solveUsers: true, fixed: V, current: U, block: 3, sweeps: 1, dimensions: B)
            V = try reference.subspaceHalfStep(solveUsers: false, fixed: U, current: V, block: 3, sweeps: 1, dimensions: B)
        }
        try state.iterate(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: dims), U) < 1e-4)
        #expect(maxRelativeError(rows(state.V, dims: dims), V) < 1e-4)
    }

    @Test("at 256 factors with few rows: blocks of 64 (rows shorter than the block) equal the reference, chosen by cost",
          arguments: [ALSConfiguration.Mode.implicit, .dense], [nil, true] as [Bool?])
    func largeFactors(mode: ALSConfiguration.Mode, eigen: Bool?) throws {
        var config = ALSConfiguration.plain(mode: mode)
        config.factors = 256; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.regularizationExponent = 1; config.regularizationAlpha0 = 0.1
        config.solver = .subspace; config.blockSize = 64; config.sweeps = 1
        let data = try smallProblem(users: 6, items: 10, count: 40, seed: 31)
        var state = try _TrainingState(configuration: config, data: data)
        state.paths.subspaceEigen = eigen
        let reference = _ReferenceSolver(config: config, data: data)
        try expectHalfStepsMatch(&state) { users, fixed, current in
            try reference.subspaceHalfStep(solveUsers: users, fixed: fixed, current: current, block: 64, sweeps: 1)
        }
    }

    @Test("the step is taken where it applies: forced on, implicit mode's iterates differ from the assembled step's in rounding only")
    func stepIsTaken() throws {
        let (config, _) = try subspace("implicit linear", block: 3, sweeps: 2, eigen: true)
        try expectPathChangesRoundingOnly(config, try smallProblem()) { $0.subspaceEigen = $1 }
    }

    @Test("by cost: a Gowalla-length row (22 entries) takes it at block 128, rows from 90 entries on do not")
    func costChoice() {
        let d = [Float](repeating: 1, count: 200)
        d.withUnsafeBufferPointer { d in
            #expect(_HalfStep.takesEigenStep(n: 22, b: 128, gscale: 1, rho: 0.1, d: d._start, override: nil))
            #expect(!_HalfStep.takesEigenStep(n: 128, b: 128, gscale: 1, rho: 0.1, d: d._start, override: nil))
            #expect(_HalfStep.takesEigenStep(n: 128, b: 128, gscale: 1, rho: 0.1, d: d._start, override: true))
            // The measured crossing (the eigen step's multiply-adds counted 3/2 times): rows of up
            // to 89 entries at block 128 take it (the plain count took rows up to 120), up to 40
            // at block 64 and up to 187 at block 256.
            for (n, b, takes) in [(64, 128, true), (89, 128, true), (90, 128, false), (120, 128, false), (40, 64, true),
                                  (41, 64, false), (187, 256, true), (188, 256, false)] {
                #expect(_HalfStep.takesEigenStep(n: n, b: b, gscale: 1, rho: 0.1, d: d._start, override: nil) == takes, "n \(n) b \(b)")
            }
            // Its conditions hold whatever the override: ρ > 0, gscale ≥ 0.
            #expect(!_HalfStep.takesEigenStep(n: 22, b: 128, gscale: 1, rho: 0, d: d._start, override: true))
            #expect(!_HalfStep.takesEigenStep(n: 22, b: 128, gscale: -1, rho: 0.1, d: d._start, override: true))
        }
        // A negative weight (d = c − w < 0) keeps the row on the assembled step.
        let negative: [Float] = [1, -0.5, 1]
        negative.withUnsafeBufferPointer { d in
            #expect(!_HalfStep.takesEigenStep(n: 3, b: 128, gscale: 1, rho: 0.1, d: d._start, override: true))
        }
    }
}

@Suite("Kernel: als_subspace_eigen_block_step")
struct KernelSubspaceEigenTests {
    /// A block step of b = 5 dimensions (b0 = 2 of k = 8) for a row of 3 entries, by the
    /// assembled kernel and by the eigenbasis kernel from the same x and s.
    @Test("one block step equals als_subspace_block_step's: x and the prediction cache")
    func equalsAssembled() throws {
        let k: Int32 = 8, b0: Int32 = 2, b: Int32 = 5, fixedRows = 6
        var rng = TestRNG(seed: 41)
        let Y = (0 ..< fixedRows * Int(k)).map { _ in Float.random(in: -1 ... 1, using: &rng) }
        // G = YᵀY (full), λ uniform 0.3, gscale 0.7, regScale 1.5.
        var G = [Float](repeating: 0, count: Int(k * k))
        for r in 0 ..< fixedRows { for i in 0 ..< Int(k) { for j in 0 ..< Int(k) { G[i * Int(k) + j] += Y[r * Int(k) + i] * Y[r * Int(k) + j] } } }
        let reg = [Float](repeating: 0.3, count: Int(k)), gscale: Float = 0.7, regScale: Float = 1.5
        let idx: [Int32] = [0, 3, 5], d: [Float] = [2, 0.5, 0], t: [Float] = [3, 1.5, 1]
        let x0 = (0 ..< Int(k)).map { _ in Float.random(in: -0.5 ... 0.5, using: &rng) }
        var s0 = [Float](repeating: 0, count: 3)
        for (j, i) in idx.enumerated() { for c in 0 ..< Int(k) { s0[j] += Y[Int(i) * Int(k) + c] * x0[c] } }
        var gxB = [Float](repeating: 0, count: Int(b))
        for i in 0 ..< Int(b) { for c in 0 ..< Int(k) { gxB[i] += G[(Int(b0) + i) * Int(k) + c] * x0[c] } }

        var xA = x0, sA = s0
        var scratch = [Float](repeating: 0, count: Int(als_subspace_block_scratch_floats(k, b, 3)))
        #expect(als_subspace_block_step(k, G, gscale, reg, regScale, 3, idx, d, t, Y, Int64(k), b0, b, gxB, &xA, &sA, &scratch) == ALS_OK)

        var a = [Double](repeating: 0, count: Int(b * b)), w = [Double](repeating: 0, count: Int(b))
        for i in 0 ..< Int(b) { for c in 0 ..< Int(b) { a[i * Int(b) + c] = Double(G[(Int(b0) + i) * Int(k) + Int(b0) + c]) } }
        try a.withUnsafeMutableBufferPointer { a in
            try w.withUnsafeMutableBufferPointer { w in try _BLAS.symmetricEigen(n: Int(b), a: a._start, w: w._start) }
        }
        let E = a.map { Float($0) }, lambda = w.map { Float($0) }
        var Z = [Float](repeating: 0, count: fixedRows * Int(b))
        for r in 0 ..< fixedRows { for c in 0 ..< Int(b) { for i in 0 ..< Int(b) { Z[r * Int(b) + c] += Y[r * Int(k) + Int(b0) + i] * E[c * Int(b) + i] } } }
        var xE = x0, sE = s0
        var eigenScratch = [Float](repeating: 0, count: Int(als_subspace_eigen_scratch_floats(b, 3)))
        #expect(als_subspace_eigen_block_step(k, gscale, regScale * 0.3, lambda, E, 3, idx, d, t, Z, b0, b, gxB,
                                              &xE, &sE, &eigenScratch) == ALS_OK)
        #expect(maxRelativeError([xE.map(Double.init)], [xA.map(Double.init)]) < 1e-5)
        #expect(maxRelativeError([sE.map(Double.init)], [sA.map(Double.init)]) < 1e-5)
        #expect(xE[0 ..< 2] == x0[0 ..< 2] && xE[7] == x0[7])  // outside the block, x is held

        // Its conditions: ρ > 0, gscale ≥ 0, d ≥ 0, the block inside 0 ..< k.
        for (g, rho, dd, bb0) in [(gscale, 0, d, b0), (-1, 0.45, d, b0), (gscale, 0.45, [2, -0.5, 0], b0), (gscale, 0.45, d, 4)]
            as [(Float, Float, [Float], Int32)] {
            var x = x0, s = s0
            #expect(als_subspace_eigen_block_step(k, g, rho, lambda, E, 3, idx, dd, t, Z, bb0, b, gxB, &x, &s, &eigenScratch)
                    == ALS_INVALID_ARGUMENT)
        }
        #expect(als_subspace_eigen_scratch_floats(b, 30) > als_subspace_eigen_scratch_floats(b, 3))
    }
}
