/// Serving a user who is not in the model (a new or anonymous visitor) from their interactions:
/// fold-in plus top-K, without copying the model.
extension ALSModel {
    /// The `k` best items for a user who is not in the model, from their interactions (external
    /// item id, value): the user is folded in (`foldIn(interactions:itemCounts:)`, the exact
    /// user half-step of training) and scored as `recommend(userID:k:excludeSeen:allow:deny:)`
    /// scores a user of the model, so the results equal those of a model with the user
    /// appended (`foldingIn`), scores included.
    ///
    /// Cost: the fold-in, O(n·k² + k³) for n interactions, plus one top-K pass over the items;
    /// the model is neither copied nor changed, so any number of threads may call this at once.
    /// The first call computes and keeps the item Gram (see `foldIn`).
    ///
    /// - Parameters:
    ///   - interactions: (item id, value) pairs; a repeated item's values are summed.
    ///   - k: results (≥ 0).
    ///   - excludeSeen: default `.training`, the interactions given; `.nothing`, `.items` and
    ///     `.ids` as for a user of the model. `.interactions` is refused: a new user has no row.
    ///   - allow: when given, only these items are candidates.
    ///   - deny: items never returned.
    /// - Throws: `ALSError.unknownID` for an item id the model does not know, and the errors of
    ///   `foldIn` and `recommend`.
    public func recommend(interactions: [(itemID: String, value: Float)], k: Int, excludeSeen: SeenItems = .training,
                          allow: [String]? = nil, deny: [String] = []) throws -> [ScoredID] {
        let results = try recommend(interactions: _itemIndices(interactions.map { ($0.itemID, $0.value) }), k: k,
                                    excludeSeen: excludeSeen, allow: try allow.map { try _indices(of: $0, .item) },
                                    deny: try _indices(of: deny, .item))
        return _named(results, .item)
    }

    /// `recommend(interactions:k:excludeSeen:allow:deny:)` over dense item indices.
    public func recommend(interactions: [(item: Int, value: Float)], k: Int, excludeSeen: SeenItems = .training,
                          allow: [Int]? = nil, deny: [Int] = []) throws -> [Scored] {
        let filter = try _ItemFilter(model: self, k: k, allow: allow, deny: deny)
        return try _recommendNewUser(interactions, filter: filter, context: _cache.foldInContext(of: self),
                                     excludeSeen: excludeSeen)
    }

    /// `recommend(interactions:k:excludeSeen:allow:deny:)` for many new users at once:
    /// `result[j]` is exactly what the single call returns for `newUsers[j]`. The users are
    /// spread over `threads` workers (default 0, every core).
    ///
    /// - Parameters:
    ///   - newUsers: each user's (item id, value) pairs.
    ///   - k: results per user (≥ 0).
    ///   - excludeSeen: default `.training`, each user's own interactions; `.items` and
    ///     `.ids` leave the same items out for every user.
    ///   - allow: when given, only these items are candidates.
    ///   - deny: items never returned.
    ///   - threads: workers (default 0, every core).
    public func recommend(newUsers: [[(itemID: String, value: Float)]], k: Int, excludeSeen: SeenItems = .training,
                          allow: [String]? = nil, deny: [String] = [], threads: Int = 0) throws -> [[ScoredID]] {
        let rows = try newUsers.map { try _itemIndices($0.map { ($0.itemID, $0.value) }) }
        let filter = try _ItemFilter(model: self, k: k, allow: try allow.map { try _indices(of: $0, .item) },
                                     deny: try _indices(of: deny, .item))
        let context = try _cache.foldInContext(of: self)
        var results = [[ScoredID]](repeating: [], count: rows.count)
        try results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            try _parallelFor(count: rows.count, threads: _resolvedThreads(threads), chunk: 16) { range, _ in
                for j in range {
                    out[j] = _named(try _recommendNewUser(rows[j], filter: filter, context: context,
                                                          excludeSeen: excludeSeen), .item)
                }
            }
        }
        return results
    }

    /// Folds one new user in against `context` and runs the single-user selection on the row.
    private func _recommendNewUser(_ interactions: [(item: Int, value: Float)], filter: _ItemFilter,
                                   context: _FoldInContext, excludeSeen: SeenItems) throws -> [Scored] {
        let row = try _foldInRow(interactions)
        let seen: [Int]
        switch excludeSeen {
        case .training: seen = row.items.map(Int.init)
        case .nothing, .items, .ids: seen = try _listedSeenItems(excludeSeen)
        case .interactions:
            throw ALSError.invalidConfiguration(
                parameter: "excludeSeen",
                reason: "a user who is not in the model has no row in an interaction matrix; pass `.training` (the interactions given), `.items` or `.nothing`")
        }
        let folded = try context.solve(self, items: row.items, values: row.values)
        return folded.factors.withUnsafeBufferPointer { x in
            _recommend(_UserRow(x: x, bias: folded.bias), filter: filter, seen: seen)
        }
    }
}
