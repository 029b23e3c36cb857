@_spi(Engine) import ALS
import Dispatch

/// What rank 0 reports after each iteration.
public struct DistributedProgress: Sendable {
    public var iteration: Int
    public var iterations: Int
    /// The exact objective after this iteration (nil when `computeLoss` is off).
    public var loss: Double?
    /// Seconds of this iteration (both half-steps and their exchanges, without the loss).
    public var seconds: Double
    /// Of `seconds`, the time this rank spent inside collectives (waiting for the slowest rank
    /// included).
    public var communicationSeconds: Double
    /// Bytes this rank contributed to collectives during the iteration (its payload).
    public var bytesSent: Int
    /// Seconds since training started.
    public var elapsed: Double
}

/// Where and how often to checkpoint (see `Checkpoint`).
public struct CheckpointOptions: Sendable {
    public var directory: String
    /// A checkpoint after every `every` iterations.
    public var every: Int
    public init(directory: String, every: Int) {
        self.directory = directory
        self.every = every
    }
}

/// How each half-step's Gram G = Σ w_i y_i y_iᵀ over the fixed side is formed.
public enum GramMode: String, Sendable, CaseIterable {
    /// A local `ssyrk` over the rank's block plus `MPI_Allreduce` (in Double): rows·k²/N flops
    /// per rank and k² numbers communicated. Equal to the single-process Gram up to Float
    /// rounding (a few ulps), so factors agree to about 1e-6 relative.
    case allreduce
    /// Every rank computes the whole Gram from the whole fixed side it already holds after the
    /// exchange: rows·k² flops per rank, nothing communicated, and bitwise the single-process
    /// Gram, so Cholesky and CG factors are bitwise `als train`'s for every number of ranks.
    case replicated
}

/// Data-parallel ALS over MPI: the same objective, modes, solvers and seeded initialisation as
/// `ALSTrainer`, every rank solving its own block of users and of items with the engine's
/// half-step kernels (`ALSShardSolver`). Each half-step:
///
/// 1. the Gram of the fixed side: a local `ssyrk` over the rank's block, summed over ranks by
///    `MPI_Allreduce` in Double (the Float partial sums add exactly in Double for a few ranks, so
///    the result does not depend on the reduction order and is the same on every rank);
/// 2. the rank's rows solved against the fixed side;
/// 3. `MPI_Allgatherv` of the factor blocks, so every rank holds the whole updated side.
///
/// The loss is every rank's partial sums gathered and added in rank order. With one rank every
/// step is the single-process one, so the factors are bitwise `ALSTrainer`'s; with more, the
/// Gram's Float rounding differs (a few ulps), everything else is per row and identical. Modes
/// without a Gram (explicit, weighted) and `GramMode.replicated` are bitwise at any number of
/// ranks with the row-by-row solvers (Cholesky below 256 dimensions, CG below 128).
public struct DistributedTrainer {
    public let configuration: ALSConfiguration
    public var checkpoint: CheckpointOptions?
    public var gram: GramMode
    public var exchange: ExchangeMode

    /// - Throws: `ALSError.invalidConfiguration` as `ALSTrainer.init`, and for
    ///   `GramMode.replicated` with `ExchangeMode.alltoall` (no rank holds a whole side then).
    public init(_ configuration: ALSConfiguration, checkpoint: CheckpointOptions? = nil, gram: GramMode = .allreduce,
                exchange: ExchangeMode = .allgather) throws {
        try configuration.validate()
        if configuration.solver == .subspace && configuration.subspaceSchedule == .interleaved {
            throw ALSError.invalidConfiguration(parameter: "subspaceSchedule", reason: "the distributed trainer runs one user and one item half-step per iteration; use `.rows`")
        }
        if gram == .replicated && exchange == .alltoall {
            throw ALSError.invalidConfiguration(parameter: "gram", reason: "a replicated Gram needs every row of the fixed side: use the allgather exchange")
        }
        self.configuration = configuration
        self.checkpoint = checkpoint
        self.gram = gram
        self.exchange = exchange
    }

    /// Trains on the job's shards; every rank calls it with its own shard. Returns the model
    /// on rank 0 (`ids` gives the id maps there; other ranks get nil). `includeSeen` gathers
    /// every user's items onto rank 0 for the model's seen items (4 bytes per interaction).
    ///
    /// - Throws: the errors of `ALSTrainer.fit` (on the rank whose rows failed; `PeerFailure`
    ///   on the others), `ALSError.shapeMismatch` when a checkpoint belongs to another job, and
    ///   `ALSError.kernelFailure` for a failed MPI call.
    public func fit(_ shard: Shard, communicator comm: Communicator, ids: () throws -> (users: IDMap, items: IDMap),
                    includeSeen: Bool, progress: ((DistributedProgress) -> Void)? = nil) throws -> ALSModel? {
        let solver = try ALSShardSolver(configuration: configuration, users: shard.users, items: shard.items,
                                        itemCounts: shard.itemCounts, valueSum: shard.valueSum, nonZeros: shard.nonZeros)
        let dims = solver.dims
        let config = configuration
        let start = DispatchTime.now().uptimeNanoseconds
        let (ub, ib) = (shard.userBlock, shard.itemBlock)
        // This rank's blocks of factors; the fixed side arrives by `exchange` each half-step.
        var U: [Float], V: [Float], history: [Double] = [], first = 1
        let store = checkpoint.map { Checkpoint(options: $0, shard: shard, configuration: config, dims: dims) }
        if let store, let resumed = try store.resume(communicator: comm) {
            (U, V, history, first) = (resumed.users, resumed.items, resumed.lossHistory, resumed.iteration + 1)
            if comm.rank == 0 { _printToStandardError("resuming from the checkpoint of iteration \(resumed.iteration)") }
        } else {
            (U, V) = solver.initialFactors(userRows: ub, itemRows: ib)
        }
        // The routes of the item factors to the user half-step and of the user factors to the
        // item half-step, and each half-step's matrix in the routes' numbering.
        let itemRoute = try FactorExchange(exchange, blocks: shard.itemBlocks, dims: dims, touching: shard.byUser, communicator: comm)
        let userRoute = try FactorExchange(exchange, blocks: shard.userBlocks, dims: dims, touching: shard.byItem, communicator: comm)
        let byUser = itemRoute.localMatrix(shard.byUser)
        let byItem = userRoute.localMatrix(shard.byItem)

        let replicated = self.gram == .replicated
        /// The Gram of a side, from this rank's `block` of it (or, replicated, the whole `all`).
        func gram(block: [Float], all: ALSShardSolver.FixedSide, of side: ALSShardSolver.Side) throws -> [Float] {
            if replicated { return solver.partialGram(all, of: side, firstRow: 0) }
            let partial = solver.partialGram(solver.fixedSide(block), of: side,
                                             firstRow: side == .users ? ub.lowerBound : ib.lowerBound)
            guard solver.needsGram, comm.size > 1 else { return partial }
            var sum = partial.map(Double.init)
            try comm.allreduceSum(&sum)
            return sum.map(Float.init)
        }
        /// The item side as the user half-step (and the loss) see it; kept until V changes.
        var items: (fixed: ALSShardSolver.FixedSide, gram: [Float])? = nil
        func itemSide() throws -> (fixed: ALSShardSolver.FixedSide, gram: [Float]) {
            if let items { return items }
            let fixed = solver.fixedSide(try itemRoute.exchange(V, communicator: comm))
            let side = (fixed, try gram(block: V, all: fixed, of: .items))
            items = side
            return side
        }
        func userHalfStep(iteration: Int) throws {
            let (fixed, G) = try itemSide()
            try comm.together {
                try solver.solve(.users, rows: byUser, firstRow: ub.lowerBound, fixed: fixed, columns: itemRoute.columns,
                                 gram: G, into: &U)
                try solver.checkFinite(U, side: .users, iteration: iteration)
            }
        }
        func itemHalfStep(iteration: Int) throws {
            let fixed = solver.fixedSide(try userRoute.exchange(U, communicator: comm))
            let G = try gram(block: U, all: fixed, of: .users)
            try comm.together {
                try solver.solve(.items, rows: byItem, firstRow: ib.lowerBound, fixed: fixed, columns: userRoute.columns,
                                 gram: G, into: &V)
                try solver.checkFinite(V, side: .items, iteration: iteration)
            }
            items = nil
        }
        func loss() throws -> Double {
            let (fixed, G) = try itemSide()
            let parts = try comm.together {
                [try solver.dataLoss(byUser: byUser, firstRow: ub.lowerBound, users: U, fixed: fixed, columns: itemRoute.columns, gram: G),
                 solver.penalty(.users, factors: U, rows: byUser), solver.penalty(.items, factors: V, rows: byItem)]
            }
            // In rank order on every rank: the same figure everywhere, whatever MPI's reduction.
            let all = comm.size > 1 ? try comm.allgather(parts) : parts
            var sums = [0.0, 0.0, 0.0]
            for r in 0 ..< comm.size { for j in 0 ..< 3 { sums[j] += all[r * 3 + j] } }
            return sums[0] + sums[1] + sums[2]
        }

        if first <= config.iterations {
            for iteration in first ... config.iterations {
                comm.resetCounters()
                let t0 = DispatchTime.now().uptimeNanoseconds
                try userHalfStep(iteration: iteration)
                try itemHalfStep(iteration: iteration)
                let t1 = DispatchTime.now().uptimeNanoseconds
                let (communication, bytes) = (comm.seconds, comm.bytesSent)
                var l: Double? = nil
                if config.computeLoss {
                    let value = try loss()
                    guard value.isFinite else { throw SharedFailure(error: .nonFinite(side: "loss", iteration: iteration)) }
                    l = value
                    history.append(value)
                }
                if let store, iteration % store.options.every == 0 || iteration == config.iterations {
                    try comm.together { try store.save(iteration: iteration, users: U, items: V, lossHistory: history) }
                }
                progress?(DistributedProgress(iteration: iteration, iterations: config.iterations, loss: l,
                                              seconds: Double(t1 - t0) / 1e9, communicationSeconds: communication,
                                              bytesSent: bytes,
                                              elapsed: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
                if let tol = config.earlyStopTolerance, history.count >= 2 {
                    let a = history[history.count - 2], b = history[history.count - 1]
                    if abs(a - b) <= tol * abs(a) { break }
                }
            }
        }

        // The model on rank 0: every block of factors, and the seen items, gathered in rank
        // (= row) order.
        let allU = try comm.gatherRows(U, width: dims, blocks: shard.userBlocks)
        let allV = try comm.gatherRows(V, width: dims, blocks: shard.itemBlocks)
        var seen: (outerOffsets: [Int64], innerIndices: [Int32])? = nil
        if includeSeen {
            let counts = try comm.gather((0 ..< shard.byUser.outerCount).map { Int32(shard.byUser.count(of: $0)) })
            let indices = try comm.gather(shard.byUser.innerIndices)
            if comm.rank == 0 {
                var offsets = [Int64](repeating: 0, count: counts.count + 1)
                for u in 0 ..< counts.count { offsets[u + 1] = offsets[u] + Int64(counts[u]) }
                seen = (offsets, indices)
            }
        }
        guard comm.rank == 0 else { return nil }
        let (userIDs, itemIDs) = try ids()
        return try solver.model(users: allU, items: allV, userIDs: userIDs, itemIDs: itemIDs, lossHistory: history,
                                itemCounts: shard.itemCounts, seen: seen)
    }
}

/// One line on standard error.
func _printToStandardError(_ line: String) {
    _ = Array((line + "\n").utf8).withUnsafeBytes { ALSFile.write($0, toDescriptor: 2) }
}
