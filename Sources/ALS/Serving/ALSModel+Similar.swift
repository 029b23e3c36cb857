extension ALSModel {
    /// The `k` items most similar to dense item `item` by cosine similarity of their factor rows,
    /// best first, never `item` itself; ties go to the lower index. An all-zero row has
    /// similarity 0 with everything.
    ///
    /// Row norms are computed once per model (on first use) and cached. The same allow and deny
    /// filters as `recommend` apply; the similarity is `x·y / (‖x‖·‖y‖)` in Float, 0 when either norm is 0.
    ///
    /// - Throws: `ALSError.unknownID` for an index out of range,
    ///   `ALSError.invalidConfiguration` for k < 0.
    public func similarItems(to item: Int, k: Int, allow: [Int]? = nil, deny: [Int] = []) throws -> [Scored] {
        try _similar(.item, to: item, k: k, allow: allow, deny: deny)
    }

    /// The `k` users most similar to dense user `user` (cosine of user factor rows), as
    /// `similarItems(to:k:allow:deny:)`; the filters name users.
    public func similarUsers(to user: Int, k: Int, allow: [Int]? = nil, deny: [Int] = []) throws -> [Scored] {
        try _similar(.user, to: user, k: k, allow: allow, deny: deny)
    }

    /// `similarItems` by external item ids.
    public func similarItems(toID id: String, k: Int, allow: [String]? = nil, deny: [String] = []) throws -> [ScoredID] {
        try _similar(.item, toID: id, k: k, allow: allow, deny: deny)
    }

    /// `similarUsers` by external user ids.
    public func similarUsers(toID id: String, k: Int, allow: [String]? = nil, deny: [String] = []) throws -> [ScoredID] {
        try _similar(.user, toID: id, k: k, allow: allow, deny: deny)
    }

    private func _similar(_ side: _Side, toID id: String, k: Int, allow: [String]?, deny: [String]) throws -> [ScoredID] {
        let results = try _similar(side, to: try _index(of: id, side), k: k,
                                   allow: try allow.map { try _indices(of: $0, side) },
                                   deny: try _indices(of: deny, side))
        return _named(results, side)
    }

    private func _similar(_ side: _Side, to q: Int, k: Int, allow: [Int]?, deny: [Int]) throws -> [Scored] {
        try _checkIndex(q, side)
        let filter = try _ItemFilter(model: self, k: k, allow: allow, deny: deny, side: side)
        let excluded = filter.excluded(adding: [q])
        let norms = _cache.norms(side, of: self).norms
        let exact = { (j: Int) in _cosine(side, q, j, norms: norms) }
        if let allowed = filter.allowed {
            return _selectTopK(k: filter.k, candidates: _sortedDifference(allowed, excluded), exact: exact)
        }
        let n = count(side), kf = factors
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { scores in
            if kf == 0 {
                scores.update(repeating: 0)
            } else {
                storage(side).withUnsafeBufferPointer { F in
                    _BLAS.gemv(n: n, k: kf, a: F._start, lda: kf, x: F._start + q * kf,
                               y: scores._start)
                }
            }
            let nq = norms[q]
            for j in 0 ..< n { scores[j] = _cosineFromDot(scores[j], nq, norms[j]) }
            // A cosine is a dot product of two unit vectors, so |cos| ≤ 1 bounds the slack.
            return _selectTopK(k: filter.k, approximate: UnsafeBufferPointer(scores), excluding: excluded,
                               slack: _slack(k: kf, bound: 1), exact: exact)
        }
    }

    /// The canonical cosine similarity of rows a and b of one side: the canonical dot product
    /// (`_dot`) over the product of the cached norms, 0 when either norm is 0.
    internal func _cosine(_ side: _Side, _ a: Int, _ b: Int, norms: [Float]) -> Float {
        let k = factors
        let dot = storage(side).withUnsafeBufferPointer { F in _dot(F, a * k, F, b * k, k) }
        return _cosineFromDot(dot, norms[a], norms[b])
    }
}

/// dot / (‖a‖·‖b‖), with the denominator in Double so that tiny norms cannot underflow it;
/// 0 when either norm is 0.
@inline(__always)
private func _cosineFromDot(_ dot: Float, _ na: Float, _ nb: Float) -> Float {
    let d = Double(na) * Double(nb)
    return d == 0 ? 0 : Float(Double(dot) / d)
}
