extension RankingEvaluator {
    /// Evaluates an `ALSModel` through its batch top-K (`recommend(users:k:excludeSeen:)`, one
    /// `sgemm` per block of users): the lists are exactly the full-scan top-K of
    /// `score(user:item:)` with ties to the lower item index (the serving path re-scores its
    /// pre-selection canonically), so the figures equal those of a scorer calling `score`, and
    /// Gowalla's 29,858 users × 40,981 items take seconds rather than minutes. AUC, which needs
    /// every score, is nil; evaluate `{ u, s in s[i] = model.score(user: u, item: i) }` as a
    /// `Scorer` to get it.
    ///
    /// The split may extend the model's index spaces (see `ALSModel.aligned(_:)`): the model's
    /// id maps must be a prefix of the split's, and indices past the model's are users or items
    /// it has never seen. An unseen item can only be a miss; a user the model does not know gets
    /// no list, so each of their test items is a miss too.
    ///
    /// - Parameters:
    ///   - k: the cut-off of every metric (≥ 1).
    ///   - model: the model to score, trained on `train`.
    ///   - threads: workers of the batch top-K (0 = every core).
    /// - Throws: `shapeMismatch` when the model's id maps are not a prefix of the split's.
    public func evaluate(k: Int, model: ALSModel, threads: Int = 0) throws -> RankingMetrics {
        try checkK(k)
        try Self.checkCovers(model, train)
        let known = evaluatedUsers.map(Int.init).filter { $0 < model.users }
        let seen = try Self.restricted(train, users: train.users, items: model.items)
        let lists = try model.recommend(users: known, k: k, excludeSeen: .interactions(seen), threads: threads)
        var slot = [Int](repeating: -1, count: train.users)
        for (j, u) in known.enumerated() { slot[u] = j }
        return try evaluate(k: k) { [slot] u, _, _ in
            slot[u] < 0 ? [] : lists[slot[u]].map { Int32($0.index) }
        }
    }

    /// A full-scan `Scorer` for `model` over a split with exactly the model's shape: every item
    /// scored with `score(user:item:)`, the canonical score. Slower than `evaluate(k:model:)`,
    /// but it gives AUC.
    @_spi(Engine) public static func scorer(for model: ALSModel, matching train: InteractionMatrix) throws -> Scorer {
        guard model.users == train.users, model.items == train.items else {
            throw ALSError.shapeMismatch(
                "the model has \(model.users) users and \(model.items) items, the split \(train.users) and \(train.items); evaluate the model on the split it was trained on")
        }
        return { u, scores in
            for i in scores.indices { scores[i] = model.score(user: u, item: i) }
        }
    }

    /// Throws unless `model`'s id maps are a prefix of `data`'s (equal maps included).
    static func checkCovers(_ model: ALSModel, _ data: InteractionMatrix) throws {
        guard model.userIDs.isPrefix(of: data.userIDs), model.itemIDs.isPrefix(of: data.itemIDs) else {
            throw ALSError.shapeMismatch(
                "the model has \(model.users) users and \(model.items) items, the split \(data.users) and \(data.items), and the model's ids are not the split's first ones; evaluate on the split the model was trained on, or re-index the split with model.aligned(_:)")
        }
    }

    /// `m` cut to its first `users` rows and `items` columns, with its id maps cut alike.
    static func restricted(_ m: InteractionMatrix, users: Int, items: Int) throws -> InteractionMatrix {
        if users == m.users, items == m.items { return m }
        let A = m.byUser
        var offsets: [Int64] = [0], indices: [Int32] = [], values: [Float] = []
        for u in 0 ..< users {
            for p in A.range(of: u) where A.innerIndices[p] < items {
                indices.append(A.innerIndices[p])
                values.append(A.values[p])
            }
            offsets.append(Int64(indices.count))
        }
        let csr = CompressedMatrix(outerCount: users, innerCount: items, outerOffsets: offsets, innerIndices: indices, values: values)
        return try InteractionMatrix(byUser: csr, userIDs: m.userIDs.prefix(users), itemIDs: m.itemIDs.prefix(items))
    }
}

extension IDMap {
    /// True when this map's ids are the first `count` ids of `other`, in the same order.
    func isPrefix(of other: IDMap) -> Bool {
        guard count <= other.count else { return false }
        if count == other.count, storage == other.storage { return true }  // same buffers: O(1)
        switch (storage, other.storage) {
        case let (.integers(a), .integers(b)): return a[...] == b.prefix(a.count)
        case let (.strings(a), .strings(b)): return a[...] == b.prefix(a.count)
        default: return (0 ..< count).allSatisfy { externalID($0) == other.externalID($0) }
        }
    }

    /// The map of the first `n` ids.
    func prefix(_ n: Int) -> IDMap {
        if n == count { return self }
        // A prefix of a duplicate-free list is duplicate-free.
        switch storage {
        case .integers(let a): return IDMap(unique: .integers(Array(a.prefix(n))))
        case .strings(let a): return IDMap(unique: .strings(Array(a.prefix(n))))
        }
    }
}
