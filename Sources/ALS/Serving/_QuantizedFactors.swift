internal import CALSKernels

/// Item factors rounded to Int16, for the pre-selection of single-user `recommend`.
///
/// Why. Scoring one user reads every item row; at MovieLens-20M shape (26,744 items, k = 64)
/// that is 6.8 MB of Float32 per query, and `sgemv` runs at the speed of the last-level cache.
/// As Int16 the rows take half the bytes, and `pmaddwd` multiplies and pairwise-adds 8 (SSE2),
/// 16 (AVX2) or 32 (AVX-512) of them per instruction: the C kernel `als_quantized_scores`, with
/// `referenceScores` below as its plain Swift reference.
/// The scores only pre-select: the candidates within `slack` of the K-th best are scored again
/// with the canonical expression (see `_Scoring.swift`), so results are exactly those of the
/// Float32 path.
///
/// Quantisation. Every value v of one matrix becomes q = round(v · scale), scale = Q / max|v|,
/// with Q = min(32767, ⌊√((2³¹ − 1) / stride)⌋) so that a whole dot product of two quantised
/// rows is exact in Int32 (|Σ q_x q_y| ≤ stride · Q² < 2³¹). |v − q/scale| ≤ ½ / scale.
///
/// Layout: `rows × stride` Int16 values, row-major, stride = k rounded up to a multiple of 8 and
/// zero-padded, read as `SIMD8<Int16>`.
///
/// `@unchecked Sendable`: the buffer is written once in `init` and only read afterwards.
internal final class _QuantizedFactors: @unchecked Sendable {
    let rows: Int
    let k: Int
    /// Row length in `SIMD8<Int16>` vectors.
    let vectors: Int
    let values: UnsafeMutableBufferPointer<SIMD8<Int16>>
    /// q = round(v · scale).
    let scale: Double
    /// The largest quantised magnitude, Q above.
    let maxQ: Int32
    /// max over rows of Σ_f |v_f| (of the Float32 values), for the error bound.
    let maxL1: Double

    /// Q for rows of `vectors` × 8 values.
    static func maxQ(vectors: Int) -> Int32 {
        Int32(Swift.min(32767.0, (Double(Int32.max) / Double(Swift.max(1, 8 * vectors))).squareRoot().rounded(.down)))
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
        vectors = (k + 7) / 8
        maxQ = Self.maxQ(vectors: vectors)
        scale = Double(maxQ) / Double(maxAbs)
        self.maxL1 = maxL1
        values = .allocate(capacity: rows * vectors)
        let (vectors, scale, maxQ) = (self.vectors, self.scale, self.maxQ)
        storage.withUnsafeBufferPointer { F in
            values.withMemoryRebound(to: Int16.self) { q in
                for r in 0 ..< rows {
                    for f in 0 ..< 8 * vectors {
                        q[r * 8 * vectors + f] = f < k ? Self.quantize(F[r * k + f], scale: scale, maxQ: maxQ) : 0
                    }
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

    /// The quantised query: `x` (k values) at its own scale, as `vectors` SIMD8 values, and that
    /// scale; nil when x is all zero or not finite.
    func quantizeQuery(_ x: UnsafeBufferPointer<Float>, into q: UnsafeMutableBufferPointer<SIMD8<Int16>>) -> Double? {
        var maxAbs: Float = 0
        for v in x {
            guard v.isFinite else { return nil }
            maxAbs = Swift.max(maxAbs, abs(v))
        }
        guard maxAbs > 0 else { return nil }
        let s = Double(maxQ) / Double(maxAbs)
        q.withMemoryRebound(to: Int16.self) { q in
            for f in 0 ..< 8 * vectors { q[f] = f < k ? Self.quantize(x[f], scale: s, maxQ: maxQ) : 0 }
        }
        return s
    }

    /// out[i] = Float(Σ_f q_x,f · q_i,f) · factor for every row i, by the C kernel
    /// (`als_quantized_scores`, AVX-512 `pmaddwd` where the CPU has it). The Int32 sums are
    /// exact, so it gives bit for bit what `referenceScores` gives.
    /// - Throws: the kernel's status through `_check` (only for a malformed layout).
    func scores(query q: UnsafeBufferPointer<SIMD8<Int16>>, factor: Float, into out: UnsafeMutableBufferPointer<Float>) throws {
        let status = UnsafeRawPointer(values._start).withMemoryRebound(to: Int16.self, capacity: rows * 8 * vectors) { Y in
            UnsafeRawPointer(q._start).withMemoryRebound(to: Int16.self, capacity: 8 * vectors) { x in
                als_quantized_scores(Int64(rows), Int64(8 * vectors), Y, x, factor, out._start)
            }
        }
        try _check(status.rawValue, "als_quantized_scores")
    }

    /// The plain Swift reference of `scores`, for the tests: the same exact Int32 sums, eight
    /// lanes at a time.
    func referenceScores(query q: UnsafeBufferPointer<SIMD8<Int16>>, factor: Float, into out: UnsafeMutableBufferPointer<Float>) {
        let V = vectors
        let Y = UnsafeBufferPointer(values)
        for i in 0 ..< rows {
            var acc = SIMD4<Int32>()
            for v in 0 ..< V { acc &+= Self.madd(q[v], Y[i * V + v]) }
            out[i] = Float(acc.wrappedSum()) * factor
        }
    }

    /// (a₀b₀ + a₁b₁, a₂b₂ + a₃b₃, …): SSE2 `pmaddwd`. Exact: |q| ≤ 32767 keeps each pair sum
    /// below 2³¹.
    @inline(__always)
    static func madd(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> {
        let p = SIMD8<Int32>(truncatingIfNeeded: a) &* SIMD8<Int32>(truncatingIfNeeded: b)
        return p.evenHalf &+ p.oddHalf
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
        return withUnsafeTemporaryAllocation(of: SIMD8<Int16>.self, capacity: Q.vectors) { q -> Float? in
            let x = row.x
            let l1 = x.reduce(0.0) { $0 + Double(abs($1)) }
            guard let xScale = Q.quantizeQuery(x, into: q) else { return nil }
            let factor = Float(1 / (xScale * Q.scale))
            let largest = Float(Double(8 * Q.vectors) * Double(Q.maxQ) * Double(Q.maxQ)) * factor
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
