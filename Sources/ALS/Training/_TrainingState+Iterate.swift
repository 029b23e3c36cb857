internal import CALSKernels

/// One training iteration, in the order of `ALSConfiguration.subspaceSchedule`.
///
/// With `.interleaved` (Rendle et al.'s iALS++ epoch) and blocks B₁ … B_m of the dimensions,
///
///     for B in B₁ … B_m:   x_u,B ← argmin over x_u,B (every user),   y_i,B ← argmin over y_i,B (every item)
///
/// each a subspace block step against the other side's current factors, so a user's block B is
/// solved against items whose blocks before B already moved in this iteration. A block step
/// reads only rows B of the Gram (`_gramRows`, b/dims of the full Gram's cost) and the
/// prediction cache s of every observed cell, which is kept here across blocks and both sides
/// (in `byUser`'s entry order, gathered into `byItem`'s for the item steps through
/// `itemEntryInUserOrder`) instead of being recomputed per block (nnz·dims scattered reads
/// each time). With a bias column the two sides' predictions differ by the fixed side's bias
/// (it is a target offset, not a factor), so each block step recomputes its own.
extension _TrainingState {
    /// One iteration: a user half-step then an item half-step, or with the subspace solver's
    /// `.interleaved` schedule (and more than one block) the blocks in turn, users' then items',
    /// `sweeps` times. `between` runs between consecutive half-steps (`ALSTrainer` checks for
    /// cancellation there).
    mutating func iterate(iteration: Int, between: () throws -> Void = {}) throws {
        guard Self.interleaves(config, dims: dims) else {
            try userHalfStep(iteration: iteration)
            try between()
            try itemHalfStep(iteration: iteration)
            return
        }
        let block = config.blockSize, nnz = data.nonZeros
        var byUserCache = [Float](repeating: 0, count: hasBias ? 0 : nnz)
        var byItemCache = [Float](repeating: 0, count: hasBias ? 0 : nnz)
        let order = itemEntryOrder
        if !hasBias { try predictAll(into: &byUserCache) }
        for sweep in 0 ..< config.sweeps {
            for b0 in stride(from: 0, to: dims, by: block) {
                let dimensions = b0 ..< min(dims, b0 + block)
                if sweep > 0 || b0 > 0 { try between() }
                try byUserCache.withUnsafeMutableBufferPointer { cache in
                    try userHalfStep(iteration: iteration, dimensions: dimensions, predictions: hasBias ? nil : cache.baseAddress)
                }
                try between()
                if !hasBias { for q in 0 ..< nnz { byItemCache[q] = byUserCache[Int(order[q])] } }
                try byItemCache.withUnsafeMutableBufferPointer { cache in
                    try itemHalfStep(iteration: iteration, dimensions: dimensions, predictions: hasBias ? nil : cache.baseAddress)
                }
                if !hasBias { for q in 0 ..< nnz { byUserCache[Int(order[q])] = byItemCache[q] } }
            }
        }
    }

    /// Whether `config` runs the interleaved schedule on rows of `dims` unknowns: the subspace
    /// solver, `.interleaved`, and more than one block (with one block both schedules are the
    /// same iteration).
    static func interleaves(_ config: ALSConfiguration, dims: Int) -> Bool {
        config.solver == .subspace && config.subspaceSchedule == .interleaved && config.blockSize < dims
    }

    /// For each entry q of `byItem` (item i, user u), the position of the same cell among
    /// `byUser`'s entries. Both orientations keep their inner indices sorted, so visiting users
    /// in order fills each item's slot in order. O(nnz).
    static func itemEntryInUserOrder(_ data: InteractionMatrix) -> [Int32] {
        let byUser = data.byUser, byItem = data.byItem
        var next = (0 ..< data.items).map { Int(byItem.outerOffsets[$0]) }
        var order = [Int32](repeating: 0, count: data.nonZeros)
        for u in 0 ..< data.users {
            for p in Int(byUser.outerOffsets[u]) ..< Int(byUser.outerOffsets[u + 1]) {
                let i = Int(byUser.innerIndices[p])
                order[next[i]] = Int32(p)
                next[i] += 1
            }
        }
        return order
    }

    /// s = y_i · x_u for every entry of `byUser`, in its entry order (no bias column).
    private func predictAll(into cache: inout [Float]) throws {
        let k = Int32(dims), dims = self.dims
        try cache.withUnsafeMutableBufferPointer { s in
            try U.withUnsafeBufferPointer { U in
                try V.withUnsafeBufferPointer { V in
                    try data.byUser.outerOffsets.withUnsafeBufferPointer { Ap in
                        try data.byUser.innerIndices.withUnsafeBufferPointer { Ai in
                            try _parallelFor(count: data.users, threads: threads, chunk: 256) { rows, _ in
                                for u in rows {
                                    let lo = Int(Ap[u]), hi = Int(Ap[u + 1])
                                    let status = als_subspace_predict(k, Int64(hi - lo), Ai._start + lo, V._start, Int64(dims),
                                                                      U._start + u * dims, s._start + lo)
                                    try _check(status.rawValue, "als_subspace_predict", side: "user", row: u)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
