import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The subspace solver's `.interleaved` schedule (iALS++'s epoch: block by block, the users'
/// block then the items') against the dense reference's block sweep, one block at a time.
@Suite("Subspace solver: the interleaved schedule against the reference")
struct InterleavedScheduleTests {
    private func interleaved(_ name: String, block: Int, sweeps: Int = 1) throws -> ALSConfiguration {
        var config = try #require(modeConfigurations.first { $0.0 == name }).1
        config.solver = .subspace
        config.blockSize = block
        config.sweeps = sweeps
        config.subspaceSchedule = .interleaved
        return config
    }

    /// One iteration of `config` against the reference: for each block, every user's block
    /// step then every item's, each from the factors the previous step left.
    private func expectIterationMatchesReference(_ config: ALSConfiguration, _ data: InteractionMatrix) throws {
        var state = try _TrainingState(configuration: config, data: data)
        let reference = _ReferenceSolver(config: config, data: data)
        let dims = state.dims, block = max(1, min(config.blockSize, dims))
        var U = rows(state.U, dims: dims), V = rows(state.V, dims: dims)
        for _ in 0 ..< config.sweeps {
            for b0 in stride(from: 0, to: dims, by: block) {
                let B = b0 ..< min(dims, b0 + block)
                U = try reference.subspaceHalfStep(solveUsers: true, fixed: V, current: U, block: block, sweeps: 1, dimensions: B)
                V = try reference.subspaceHalfStep(solveUsers: false, fixed: U, current: V, block: block, sweeps: 1, dimensions: B)
            }
        }
        try state.iterate(iteration: 1)
        #expect(maxRelativeError(rows(state.U, dims: dims), U) < 1e-4)
        #expect(maxRelativeError(rows(state.V, dims: dims), V) < 1e-4)
    }

    @Test("one iteration equals the reference's block-by-block alternation for every mode (blocks of 3 with a tail)",
          arguments: modeConfigurations.map(\.0))
    func matchesReference(name: String) throws {
        try expectIterationMatchesReference(try interleaved(name, block: 3), try smallProblem())
    }

    @Test("two sweeps and several blocks of rows (40 users, 30 items) equal the reference")
    func sweepsAndRowBlocks() throws {
        let config = try interleaved("implicit eALS + frequency λ", block: 2, sweeps: 2)
        try expectIterationMatchesReference(config, try smallProblem(users: 40, items: 30, count: 200, seed: 5))
    }

    @Test("at 256 factors with few rows: blocks of 64 equal the reference", arguments: [ALSConfiguration.Mode.implicit, .dense])
    func largeFactors(mode: ALSConfiguration.Mode) throws {
        var config = ALSConfiguration.plain(mode: mode)
        config.factors = 256; config.regularization = 0.5; config.alpha = 2; config.initScale = 0.3
        config.regularizationExponent = 1; config.regularizationAlpha0 = 0.1
        config.solver = .subspace; config.blockSize = 64; config.subspaceSchedule = .interleaved
        try expectIterationMatchesReference(config, try smallProblem(users: 6, items: 10, count: 40, seed: 31))
    }

    @Test("with one block the two schedules are the same iteration, bitwise")
    func oneBlockIsRows() throws {
        let data = try smallProblem()
        var config = try interleaved("implicit linear", block: 1000)
        var interleaved = try _TrainingState(configuration: config, data: data)
        config.subspaceSchedule = .rows
        var byRows = try _TrainingState(configuration: config, data: data)
        try interleaved.iterate(iteration: 1)
        try byRows.iterate(iteration: 1)
        #expect(interleaved.U == byRows.U && interleaved.V == byRows.V)
    }

    @Test("the loss never increases over iterations, for every mode (blocks of 2)", arguments: modeConfigurations.map(\.0))
    func lossMonotone(name: String) throws {
        let data = try smallProblem(users: 20, items: 15, count: 90, seed: 11)
        var state = try _TrainingState(configuration: try interleaved(name, block: 2), data: data)
        var previous = try state.loss()
        for iteration in 1 ... 4 {
            try state.iterate(iteration: iteration)
            let loss = try state.loss()
            #expect(loss <= previous * (1 + 1e-6) + 1e-9)
            previous = loss
        }
    }

    @Test("the item-to-user entry map names the same cell in both orientations")
    func entryMap() throws {
        let data = try smallProblem(users: 30, items: 20, count: 150, seed: 9)
        let order = _TrainingState.itemEntryInUserOrder(data)
        for i in 0 ..< data.items {
            for q in Int(data.byItem.outerOffsets[i]) ..< Int(data.byItem.outerOffsets[i + 1]) {
                let p = Int(order[q]), u = Int(data.byItem.innerIndices[q])
                #expect(Int(data.byUser.outerOffsets[u]) <= p && p < Int(data.byUser.outerOffsets[u + 1]))
                #expect(Int(data.byUser.innerIndices[p]) == i && data.byUser.values[p] == data.byItem.values[q])
            }
        }
    }
}
