import Dispatch
import Synchronization

extension ALSModel {
    /// `recommend(user:k:excludeSeen:allow:deny:)` for many users at once: `result[j]` is
    /// exactly what the single-user call returns for `users[j]` (same items, same scores).
    ///
    /// Users are taken in blocks of up to 512, and each block is scored against the items in
    /// tiles with one `sgemm` each (users × items per tile sized so the tile stays near
    /// `scoreBlockBytes`, 4 MiB by default: in the L2/L3 caches while it is read). Selection
    /// streams over the tiles, so no whole row of scores is kept, and the
    /// item factors are packed by `sgemm` once per tile of many users rather than once per few
    /// users. Models without biases or a global mean scan the items in descending norm order and
    /// stop each user once no remaining item can enter its top-K, which on
    /// ALS factors skips most items. A user whose selection cannot stream (a row of many equal
    /// scores) is finished on the single-user path. User blocks are spread over `threads` workers (0 = all cores) with
    /// `DispatchQueue.concurrentPerform`; OpenBLAS runs single-threaded inside that region and
    /// gets its previous thread count back afterwards.
    ///
    /// - Parameters:
    ///   - users: dense user indices, in any order, repeats allowed.
    ///   - k: results per user (≥ 0).
    ///   - excludeSeen: default `.training`, each user's training interactions kept
    ///     with the model; `.interactions(m)` each user's row of `m`; `.items` and `.ids` the same
    ///     items for every user; `.nothing`.
    ///   - allow: when given, only these items are candidates.
    ///   - deny: items never returned.
    ///   - threads: workers (default 0, every core).
    ///   - scoreBlockBytes: the size a tile of scores is kept near (default 4 MiB).
    public func recommend(users: [Int], k: Int, excludeSeen: SeenItems = .training, allow: [Int]? = nil,
                          deny: [Int] = [], threads: Int = 0, scoreBlockBytes: Int = 4 << 20) throws -> [[Scored]] {
        for u in users { try _checkIndex(u, .user) }
        let filter = try _ItemFilter(model: self, k: k, allow: allow, deny: deny)
        let listed = try _listedSeenItems(excludeSeen)
        let kept = _seen
        switch excludeSeen {
        case .interactions(let m):
            try _checkSeenMatrix(m)
            if let u = users.first(where: { $0 >= m.users }) {
                _ = try _seenItems(excludeSeen, user: u)  // throws the shape mismatch
            }
        case .training:
            if kept == nil { _ = try _trainingItems(of: 0) }  // throws: the model keeps none
        case .nothing, .items, .ids:
            break
        }
        let seen: @Sendable (Int) -> [Int] = { u in
            switch excludeSeen {
            case .interactions(let m): return m.byUser.range(of: u).map { Int(m.byUser.innerIndices[$0]) }
            case .training: return kept?.items(of: u) ?? []
            case .nothing, .items, .ids: return listed
            }
        }
        var results = [[Scored]](repeating: [], count: users.count)
        guard !users.isEmpty, filter.k > 0 else { return results }
        let workers = _resolvedThreads(threads)
        try results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            if filter.allowed != nil {
                // An allow-list is scored directly, one dot product per allowed item.
                try _parallelFor(count: users.count, threads: workers, chunk: 64) { range, _ in
                    for j in range { out[j] = try _recommend(user: users[j], filter: filter, seen: seen(users[j])) }
                }
                return
            }
            let rows = Swift.max(1, Swift.min(512, (users.count + workers - 1) / workers))
            let columns = Swift.max(8, Swift.min(items, scoreBlockBytes / (4 * rows)))
            let scratch = (0 ..< workers).map { _ in _BatchScratch(rows: rows, columns: columns, k: factors) }
            // Without offsets a score is at most ‖x‖·‖y‖: scan items by descending norm and
            // stop each user early (see `_ItemsByNorm`).
            let byNorm = !hasBiases && globalMean == 0 ? _cache.itemsByNorm(of: self) : nil
            let userNorms = byNorm == nil ? [] : _cache.norms(.user, of: self).norms
            try _SingleThreadedBLAS.shared.run {
                try _parallelFor(count: users.count, threads: workers, chunk: rows) { range, worker in
                    let s = scratch[worker]
                    let block = Array(users[range])
                    if let byNorm {
                        try recommendByNorm(block, into: out, at: range.lowerBound, byNorm: byNorm,
                                            userNorms: userNorms, filter: filter, seen: seen, scratch: s)
                        return
                    }
                    s.gather(self, users: block[...])
                    var selections = block.map { u in
                        _StreamingTopK(k: filter.k, excluding: filter.excluded(adding: seen(u)), slack: _recommendSlack(user: u))
                    }
                    for first in stride(from: 0, to: items, by: columns) {
                        let n = Swift.min(columns, items - first)
                        s.score(self, rows: block.count, items: first ..< first + n)
                        for (r, u) in block.enumerated() {
                            let row = UnsafeMutableBufferPointer(rebasing: s.scores[(r * columns) ..< (r * columns + n)])
                            _addOffsets(user: u, to: row, firstItem: first)
                            selections[r].scan(UnsafeBufferPointer(row), first: first)
                        }
                    }
                    try finish(selections, users: block, into: out, at: range.lowerBound, filter: filter, seen: seen)
                }
            }
        }
        return results
    }

    /// One block of users over the items in descending norm order: before each tile of items,
    /// the users whose running top-K no item of norm ≤ the tile's first can enter are dropped
    /// (`_StreamingTopK.isDone`), the remaining users are scored with one `sgemm`, and the
    /// block ends when none remain. Selection runs over positions in that order and maps back
    /// to item indices at the end, so results and tie-breaks are those of the item-order path.
    /// - Precondition: the model has no biases and no global mean.
    private func recommendByNorm(_ block: [Int], into out: UnsafeMutableBufferPointer<[Scored]>, at offset: Int,
                                 byNorm: _ItemsByNorm, userNorms: [Float], filter: _ItemFilter,
                                 seen: (Int) -> [Int], scratch s: _BatchScratch) throws {
        var selections = block.map { u in
            let excluded = filter.excluded(adding: seen(u)).map { Int(byNorm.position[$0]) }.sorted()
            return _StreamingTopK(k: filter.k, excluding: excluded, slack: _recommendSlack(user: u))
        }
        var active = Array(block.indices)
        var gathered = -1
        byNorm.factors.withUnsafeBufferPointer { Y in
            for first in stride(from: 0, to: items, by: s.columns) {
                active.removeAll { r in
                    selections[r].isDone(below: byNorm.scoreBound(userNorm: userNorms[block[r]], from: first))
                }
                if active.isEmpty { break }
                if gathered != active.count {
                    s.gather(self, users: active.map { block[$0] }[...])
                    gathered = active.count
                }
                let n = Swift.min(s.columns, items - first)
                s.score(itemFactors: Y._start, k: factors, rows: active.count, items: first ..< first + n)
                for (row, r) in active.enumerated() {
                    let scores = UnsafeBufferPointer(rebasing: s.scores[(row * s.columns) ..< (row * s.columns + n)])
                    selections[r].scan(scores, first: first)
                }
            }
        }
        try finish(selections, users: block, into: out, at: offset, filter: filter, seen: seen) { Int(byNorm.order[$0]) }
    }

    /// Writes `out[offset + r]` for every user of a block: its streamed selection, finished with
    /// exact scores (`item` maps scanned positions to item indices), or the single-user path
    /// when the selection overflowed.
    private func finish(_ selections: [_StreamingTopK], users block: [Int], into out: UnsafeMutableBufferPointer<[Scored]>,
                        at offset: Int, filter: _ItemFilter, seen: (Int) -> [Int],
                        item: (Int) -> Int = { $0 }) throws {
        for (r, u) in block.enumerated() {
            out[offset + r] = selections[r].overflowed
                ? try _recommend(user: u, filter: filter, seen: seen(u))
                : selections[r].finish(item: item) { score(user: u, item: $0) }
        }
    }

    /// Batch `recommend` for every user of the model, in dense-index order.
    public func recommendAll(k: Int, excludeSeen: SeenItems = .training, allow: [Int]? = nil, deny: [Int] = [],
                             threads: Int = 0) throws -> [[Scored]] {
        try recommend(users: Array(0 ..< users), k: k, excludeSeen: excludeSeen, allow: allow, deny: deny,
                      threads: threads)
    }

    /// Batch `recommend` by external ids.
    public func recommend(userIDs: [String], k: Int, excludeSeen: SeenItems = .training, allow: [String]? = nil,
                          deny: [String] = [], threads: Int = 0) throws -> [[ScoredID]] {
        let results = try recommend(users: try _indices(of: userIDs, .user), k: k, excludeSeen: excludeSeen,
                                    allow: try allow.map { try _indices(of: $0, .item) },
                                    deny: try _indices(of: deny, .item), threads: threads)
        return results.map { _named($0, .item) }
    }
}

/// One worker's buffers: a block of gathered user rows (rows × k) and one tile of their scores
/// (rows × columns, row stride `columns`). Reused for every block the worker takes.
///
/// `@unchecked Sendable`: each instance is used by exactly one worker of `_parallelBlocks`.
internal final class _BatchScratch: @unchecked Sendable {
    let block: UnsafeMutableBufferPointer<Float>
    let scores: UnsafeMutableBufferPointer<Float>
    let columns: Int

    init(rows: Int, columns: Int, k: Int) {
        block = .allocate(capacity: rows * k)
        scores = .allocate(capacity: rows * columns)
        self.columns = columns
    }

    deinit {
        block.deallocate()
        scores.deallocate()
    }

    /// Copies the factor rows of `users` into `block`.
    func gather(_ model: ALSModel, users: ArraySlice<Int>) {
        let k = model.factors
        model._userFactors.withUnsafeBufferPointer { X in
            for (r, u) in users.enumerated() {
                for f in 0 ..< k { block[r * k + f] = X[u * k + f] }
            }
        }
    }

    /// scores[r, i − items.lowerBound] = x_rᵀ y_i for the first `rows` gathered users and the
    /// given items of the model (one `sgemm`).
    func score(_ model: ALSModel, rows m: Int, items: Range<Int>) {
        model._itemFactors.withUnsafeBufferPointer { Y in
            score(itemFactors: Y.baseAddress, k: model.factors, rows: m, items: items)
        }
    }

    /// The same over item rows `itemFactors` (stride k).
    func score(itemFactors Y: UnsafePointer<Float>?, k: Int, rows m: Int, items: Range<Int>) {
        guard k > 0, let Y else {
            scores.update(repeating: 0)
            return
        }
        _BLAS.gemmNT(m: m, n: items.count, k: k, alpha: 1, a: block._start, lda: k,
                     b: Y + items.lowerBound * k, ldb: k, beta: 0, c: scores._start, ldc: columns)
    }
}
