internal import CALSKernels

/// Item factors rounded to Int8, for the pre-selection of single-user `recommend`.
///
/// Why. Scoring one user reads every item row; at MovieLens-20M shape (26,744 items, k = 64)
/// that is 6.8 MB of Float32 per query, and `sgemv` runs at the speed of the last-level cache.
/// As Int8 the rows take a quarter of the bytes (1.7 MB), and the C kernel
/// `als_quantized_scores` widens them to Int16 and multiplies them with the Int16 query by
/// `pmaddwd`, 16 products per instruction under AVX2 (`referenceScores` below is its plain
/// Swift reference). The scores only pre-select: the candidates within `slack` of the K-th
/// best are scored again with the canonical expression (see `_Scoring.swift`), so results are
/// exactly those of the Float32 path. Int8 rows are coarser than Int16 ones (a step of
/// max|v| / 127), which widens the slack and so the number of candidates scored again; the
/// query stays Int16. On models trained with the defaults (ml100k, top-10) about 16 candidates
/// per user of some 1,500 items pass to the exact pass (test `fewCandidates`).
///
/// Quantisation. Every value v of the item matrix becomes q = round(v · scale),
/// scale = 127 / max|v|; the query x becomes round(x · s), s = Qx / max|x|, with
/// Qx = min(32767, ⌊(2³¹ − 1) / (127 · stride)⌋), so that a whole dot product of a quantised
/// query and row is exact in Int32 (|Σ q_x q_y| ≤ stride · Qx · 127 < 2³¹). |v − q/scale| ≤
/// ½ / scale.
///
/// Layout: `rows × stride` Int8 values, row-major, stride = k rounded up to a multiple of 16
/// and zero-padded (the kernel reads 16 at a time); the query is `stride` Int16 values.
///
/// `@unchecked Sendable`: the buffer is written once in `init` and only read afterwards.
internal final class _QuantizedFactors: @unchecked Sendable {
    let rows: Int
    let k: Int
    /// Row length in values: k rounded up to a multiple of 16.
    let stride: Int
    let values: UnsafeMutableBufferPointer<Int8>
    /// q = round(v · scale).
    let scale: Double
    /// The largest quantised item magnitude.
    static let itemMaxQ: Int32 = 127
    /// The largest quantised query magnitude, Qx above.
    let queryMaxQ: Int32
    /// max over rows of Σ_f |v_f| (of the Float32 values), for the error bound.
    let maxL1: Double

    /// Qx for rows of `stride` values.
    static func queryMaxQ(stride: Int) -> Int32 {
        Int32(Swift.min(32767.0, (Double(Int32.max) / (Double(itemMaxQ) * Double(Swift.max(1, stride)))).rounded(.down)))
    }

    /// Nil when the matrix is empty, all zero, or holds a non-finite value (the Float32 path is
    /// used then).
    init?(_ storage: _FactorStorage, rows: Int, k: Int) {
        guard rows > 0, k > 0 else { return nil }
        let (maxAbs, maxL1) = storage.withUnsafeBufferPointer { F -> (Float, Double) in
            var m: Float = 0
            var l1 = 0.0
            for r in 0 ..< rows {
                var s = 0.0
                for f in 0 ..< k {
                    let v = F[r * k + f]
                    guard v.isFinite else { return (.nan, 0) }
                    m = Swift.max(m, abs(v))
                    s += Double(abs(v))
                }
                l1 = Swift.max(l1, s)
            }
            return (m, l1)
        }
        guard maxAbs.isFinite, maxAbs > 0 else { return nil }
        self.rows = rows
        self.k = k
        stride = (k + 15) / 16 * 16
        queryMaxQ = Self.queryMaxQ(stride: stride)
        scale = Double(Self.itemMaxQ) / Double(maxAbs)
        self.maxL1 = maxL1
        values = .allocate(capacity: rows * stride)
        let (stride, scale) = (self.stride, self.scale)
        storage.withUnsafeBufferPointer { F in
            for r in 0 ..< rows {
                for f in 0 ..< stride {
                    values[r * stride + f] = f < k ? Int8(Self.quantize(F[r * k + f], scale: scale, maxQ: Self.itemMaxQ)) : 0
                }
            }
        }
    }

    deinit { values.deallocate() }

    /// round(v · scale), clamped to ±maxQ (the product is exact in Double).
    @inline(__always)
    static func quantize(_ v: Float, scale: Double, maxQ: Int32) -> Int16 {
        Int16(Swift.max(-Double(maxQ), Swift.min(Double(maxQ), (Double(v) * scale).rounded())))
    }

    /// The quantised query: `x` (k values) at its own scale, as `stride` Int16 values, and that
    /// scale; nil when x is all zero or not finite.
    /// - Precondition: `q.count == stride`.
    func quantizeQuery(_ x: UnsafeBufferPointer<Float>, into q: UnsafeMutableBufferPointer<Int16>) -> Double? {
        var maxAbs: Float = 0
        for v in x {
            guard v.isFinite else { return nil }
            maxAbs = Swift.max(maxAbs, abs(v))
        }
        guard maxAbs > 0 else { return nil }
        let s = Double(queryMaxQ) / Double(maxAbs)
        for f in 0 ..< stride { q[f] = f < k ? Self.quantize(x[f], scale: s, maxQ: queryMaxQ) : 0 }
        return s
    }

    /// out[i] = Float(Σ_f q_x,f · q_i,f) · factor for every row i, by the C kernel
    /// (`als_quantized_scores`, AVX2 where the CPU has it). The Int32 sums are exact, so it
    /// gives bit for bit what `referenceScores` gives.
    /// - Throws: the kernel's status through `_check` (only for a malformed layout).
    func scores(query q: UnsafeBufferPointer<Int16>, factor: Float, into out: UnsafeMutableBufferPointer<Float>) throws {
        let status = als_quantized_scores(Int64(rows), Int64(stride), values._start, q._start, factor, out._start)
        try _check(status.rawValue, "als_quantized_scores")
    }

    /// The plain Swift reference of `scores`, for the tests: the same exact Int32 sums.
    func referenceScores(query q: UnsafeBufferPointer<Int16>, factor: Float, into out: UnsafeMutableBufferPointer<Float>) {
        for i in 0 ..< rows {
            var acc: Int32 = 0
            for f in 0 ..< stride { acc &+= Int32(q[f]) &* Int32(values[i * stride + f]) }
            out[i] = Float(acc) * factor
        }
    }
}

extension ALSModel {
    /// `_quantizedScores(_:into:)` for dense user `u`.
    internal func _quantizedScores(user u: Int, into scores: UnsafeMutableBufferPointer<Float>) -> Float? {
        _withUserRow(u) { _quantizedScores($0, into: scores) }
    }

    /// Quantised pre-selection scores of `row` (offsets included) and their slack, or nil when
    /// the Float32 path must be used (no quantised items, a zero or non-finite user row, or
    /// scales whose product Float cannot hold).
    ///
    /// Error bound. With x̂, ŷ the dequantised rows, |x·y − x̂·ŷ| ≤ δy‖x‖₁ + δx‖ŷ‖₁ ≤ δy‖x‖₁ +
    /// δx(maxL1 + k·δy) =: E (δ = ½ / scale). The Int32 dot is exact; converting it to Float,
    /// scaling and adding the two offsets round four times, each within 2⁻²⁴ of a magnitude at
    /// most B = ‖x‖₂·max‖y‖₂ + max|offset| + E. The canonical score is within γ(k + 4)·B of the
    /// real one (`_gamma`). So both scores lie within δ = E + (γ(k + 4) + 5·2⁻²⁴)·B of the real
    /// score, and the slack is 2δ with 1% to spare (see `_selectTopK`).
    internal func _quantizedScores(_ row: _UserRow, into scores: UnsafeMutableBufferPointer<Float>) -> Float? {
        guard let Q = _cache.quantizedItems(of: self) else { return nil }
        let k = factors
        return withUnsafeTemporaryAllocation(of: Int16.self, capacity: Q.stride) { q -> Float? in
            let x = row.x
            let l1 = x.reduce(0.0) { $0 + Double(abs($1)) }
            guard let xScale = Q.quantizeQuery(x, into: q) else { return nil }
            let factor = Float(1 / (xScale * Q.scale))
            let largest = Float(Double(Q.stride) * Double(Q.queryMaxQ) * Double(_QuantizedFactors.itemMaxQ)) * factor
            guard factor.isNormal, largest.isFinite else { return nil }
            guard (try? Q.scores(query: UnsafeBufferPointer(q), factor: factor, into: scores)) != nil else { return nil }
            _addOffsets(bias: row.bias, to: scores)
            let dx = 0.5 / xScale, dy = 0.5 / Q.scale
            let e = dy * l1 + dx * (Q.maxL1 + Double(k) * dy)
            let b = row.norm * Double(_cache.norms(.item, of: self).maximum) + _offsetBound(bias: row.bias) + e
            let delta = e + (_gamma(k + 4) + 5 * 0x1p-24) * b
            let slack = 2 * delta * 1.01
            return slack.isFinite ? Float(slack).nextUp : nil
        }
    }
}
