internal import CALSKernels

/// Scoring and selection shared by `recommend`, its batch form and `similar…`.
///
/// Exactness. The fast paths score every candidate with BLAS (`sgemv`, or `sgemm` for a block of
/// users), whose summation order is the library's business: two BLAS calls over the same rows can
/// round differently (on OpenBLAS 0.3.21, row 0 of an m = 1 `sgemm` differs from the same row
/// inside a larger block). So BLAS scores only pre-select. With the K-th best BLAS score τ, every
/// candidate whose BLAS score is at least τ − ε is scored again with the canonical expression
/// (`ALSModel.score(user:item:)`, or `_cosine`), and the final top-K is taken over those exact
/// scores. ε bounds twice the difference of the two computations of one score, so no member of the
/// exact top-K is missed: if item j had a BLAS score below τ − ε, the K items at or above τ would
/// all have exact scores strictly above j's. Results, scores included, are therefore identical
/// whichever path or block size computed them, at the cost of ~K canonical dot products.

/// The canonical dot product Σ a[ai + f]·b[bi + f], accumulated in f order in Float with a
/// separate multiply and add (no fused multiply-add), exactly as `ALSModel.score` always has.
@inline(__always)
internal func _dot(_ a: UnsafeBufferPointer<Float>, _ ai: Int, _ b: UnsafeBufferPointer<Float>, _ bi: Int, _ k: Int) -> Float {
    var s: Float = 0
    for f in 0 ..< k { s += a[ai + f] * b[bi + f] }
    return s
}

/// γ(n) = n·u / (1 − n·u) with u = 2⁻²⁴: the classic bound on the relative error of an n-term
/// Float dot product, |fl(xᵀy) − xᵀy| ≤ γ(n) Σ|x_f y_f|, valid for any summation order (Higham,
/// "Accuracy and Stability of Numerical Algorithms", §3.1). Infinite when n·u ≥ 1.
internal func _gamma(_ n: Int) -> Double {
    let nu = Double(n) * 0x1p-24
    return nu < 1 ? nu / (1 - nu) : .infinity
}

/// The pre-selection slack for scores bounded by `bound` in magnitude: twice the largest
/// difference of two computations of a k-term dot plus two additions, with 1% to spare. Never
/// NaN: a non-finite bound (non-finite factors) makes every candidate go to the exact pass.
internal func _slack(k: Int, bound: Double) -> Float {
    let e = 4 * _gamma(k + 4) * bound * 1.01
    return e.isFinite ? Float(e).nextUp : .infinity
}

/// The user side of a score: a factor row of k floats and the user bias (0 in a model without
/// biases). A row of the model (`ALSModel._withUserRow`) or a folded-in user that is not in the
/// model (`ALSModel+NewUser.swift`): every serving path below reads users only through it, so
/// both are scored by the same expressions.
internal struct _UserRow {
    /// k floats, valid for the duration of the call that made the row.
    var x: UnsafeBufferPointer<Float>
    var bias: Float

    /// ‖x‖₂, accumulated in Double.
    var norm: Double {
        var s = 0.0
        for v in x { s += Double(v) * Double(v) }
        return s.squareRoot()
    }
}

extension ALSModel {
    /// The part of the canonical score that is not the dot product: `globalMean + b_u + b_i`
    /// (added in that order) with biases, else `globalMean`.
    @inline(__always)
    internal func _offset(user u: Int, item i: Int) -> Float {
        hasBiases ? globalMean + userBiases[u] + itemBiases[i] : globalMean
    }

    /// `_offset(user:item:)` for a user row with bias `bias`.
    @inline(__always)
    internal func _offset(bias: Float, item i: Int) -> Float {
        hasBiases ? globalMean + bias + itemBiases[i] : globalMean
    }

    /// Calls `body` with dense user `u`'s row (no copy).
    /// - Precondition: `u` is a valid user index.
    internal func _withUserRow<R>(_ u: Int, _ body: (_UserRow) throws -> R) rethrows -> R {
        let k = factors
        return try _userFactors.withUnsafeBufferPointer { X in
            try body(_UserRow(x: UnsafeBufferPointer(rebasing: X[(u * k) ..< ((u + 1) * k)]),
                              bias: hasBiases ? userBiases[u] : 0))
        }
    }

    /// The canonical score of `row` for item `i`: `score(user:item:)` for a row of the model.
    @inline(__always)
    internal func _score(_ row: _UserRow, item i: Int) -> Float {
        let k = factors
        let dot = _itemFactors.withUnsafeBufferPointer { Y in _dot(row.x, 0, Y, i * k, k) }
        return dot + _offset(bias: row.bias, item: i)
    }

    internal func storage(_ side: _Side) -> _FactorStorage { side == .user ? _userFactors : _itemFactors }

    internal func count(_ side: _Side) -> Int { side == .user ? users : items }

    /// ‖row‖₂ of one row, in Double.
    internal func _rowNorm(_ side: _Side, _ r: Int) -> Double {
        storage(side).withUnsafeBufferPointer { F in
            var s = 0.0
            for f in 0 ..< factors { let v = Double(F[r * factors + f]); s += v * v }
            return s.squareRoot()
        }
    }

    /// BLAS scores of dense user `u` against every item, offsets included.
    internal func _approximateScores(user u: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        _withUserRow(u) { _approximateScores($0, into: scores) }
    }

    /// BLAS scores of `row` against every item, offsets included (the pre-selection scores;
    /// `scores` has `items` entries).
    internal func _approximateScores(_ row: _UserRow, into scores: UnsafeMutableBufferPointer<Float>) {
        guard items > 0 else { return }
        let k = factors
        if k == 0 {
            scores.update(repeating: 0)
        } else {
            _itemFactors.withUnsafeBufferPointer { Y in
                _BLAS.gemv(n: items, k: k, a: Y._start, lda: k, x: row.x._start, y: scores._start)
            }
        }
        _addOffsets(bias: row.bias, to: scores)
    }

    /// Adds `_offset(user: u, item: firstItem + i)` to every `scores[i]`.
    internal func _addOffsets(user u: Int, to scores: UnsafeMutableBufferPointer<Float>, firstItem: Int = 0) {
        _addOffsets(bias: hasBiases ? userBiases[u] : 0, to: scores, firstItem: firstItem)
    }

    /// Adds `_offset(bias: bias, item: firstItem + i)` to every `scores[i]`.
    internal func _addOffsets(bias: Float, to scores: UnsafeMutableBufferPointer<Float>, firstItem: Int = 0) {
        if hasBiases {
            let ou = globalMean + bias
            itemBiases.withUnsafeBufferPointer { B in
                for i in 0 ..< scores.count { scores[i] += ou + B[firstItem + i] }
            }
        } else if globalMean != 0 {
            for i in 0 ..< scores.count { scores[i] += globalMean }
        }
    }

    /// ε of user `u`'s pre-selection: every score is at most ‖x_u‖·max‖y_i‖ + max|offset|.
    internal func _recommendSlack(user u: Int) -> Float {
        _withUserRow(u) { _recommendSlack($0) }
    }

    /// ε of `row`'s pre-selection, as `_recommendSlack(user:)`.
    internal func _recommendSlack(_ row: _UserRow) -> Float {
        _slack(k: factors, bound: row.norm * Double(_cache.norms(.item, of: self).maximum) + _offsetBound(bias: row.bias))
    }

    /// max_i |_offset(bias: bias, item: i)|, or a bound on it.
    internal func _offsetBound(bias: Float) -> Double {
        hasBiases
            ? Double(abs(globalMean + bias)) + Double(_cache.maxAbsItemBias(of: self))
            : Double(abs(globalMean))
    }
}

/// The exact top-K over `0 ..< approximate.count` minus `excluded` (ascending, unique):
/// pre-select on the approximate scores with slack `slack`, then rank the survivors by `exact`.
///
/// This loop runs once per item per query, so it is written out by hand: a candidate below the
/// heap's threshold is rejected before the exclusion list is even consulted.
internal func _selectTopK(k: Int, approximate a: UnsafeBufferPointer<Float>, excluding excluded: [Int],
                          slack: Float, exact: (Int) -> Float) -> [Scored] {
    guard k > 0 else { return [] }
    let n = a.count, m = excluded.count
    var first = _TopK(k: k)
    var threshold = -Float.infinity
    var e = 0
    var i = 0
    while i < n {
        if threshold > -.infinity {
            i = _skipBelow(a, from: i, threshold)
            if i >= n { break }
        }
        for j in i ..< Swift.min(i + 8, n) {
            let s = a[j]
            if s < threshold { continue }
            while e < m, excluded[e] < j { e += 1 }
            if e < m, excluded[e] == j { continue }
            first.offer(s, j)
            threshold = first.threshold
        }
        i += 8
    }
    // With infinite slack (non-finite factors) every candidate is scored exactly; this also
    // avoids ∞ − ∞ = NaN, which would admit nobody.
    let cutoff = slack.isFinite ? (first.threshold - slack).nextDown : -Float.infinity
    var final = _TopK(k: k)
    e = 0
    i = 0
    while i < n {
        // The cutoff sits an ulp below τ − slack, so skipping scores below it loses nobody.
        if cutoff > -.infinity {
            i = _skipBelow(a, from: i, cutoff)
            if i >= n { break }
        }
        for j in i ..< Swift.min(i + 8, n) where a[j] >= cutoff {
            while e < m, excluded[e] < j { e += 1 }
            if e < m, excluded[e] == j { continue }
            final.offer(exact(j), j)
        }
        i += 8
    }
    return final.sorted()
}

/// The first block start `from + 8m` at or after `from` whose eight scores are not all below
/// `threshold` (NaN counts as below), or the start of the partial block at the end (or
/// `a.count`): the blocks skipped hold nothing a heap with this threshold keeps, since a score
/// below it is rejected and `_TopK.offer` never keeps NaN. The C kernel `als_skip_below` (AVX2,
/// 32 scores per branch); the Swift SIMD comparisons compiled to a scalar loop here, and this
/// loop runs once per item per query.
/// - Precondition: `0 <= from`.
@inline(__always)
internal func _skipBelow(_ a: UnsafeBufferPointer<Float>, from: Int, _ threshold: Float) -> Int {
    Int(als_skip_below(Int64(a.count), a._start, Int64(from), threshold))
}

/// The exact top-K over an explicit candidate list (an allow-list), scoring each one exactly.
internal func _selectTopK(k: Int, candidates: [Int], exact: (Int) -> Float) -> [Scored] {
    var top = _TopK(k: k)
    for i in candidates { top.offer(exact(i), i) }
    return top.sorted()
}

/// Sorted, duplicate-free copy of `a`.
internal func _sortedUnique(_ a: [Int]) -> [Int] {
    let s = a.sorted()
    var out: [Int] = []
    out.reserveCapacity(s.count)
    for v in s where out.last != v { out.append(v) }
    return out
}

/// The elements of sorted-unique `a` that are not in sorted-unique `b`.
internal func _sortedDifference(_ a: [Int], _ b: [Int]) -> [Int] {
    var out: [Int] = []
    var j = 0
    for v in a {
        while j < b.count, b[j] < v { j += 1 }
        if j < b.count, b[j] == v { continue }
        out.append(v)
    }
    return out
}
