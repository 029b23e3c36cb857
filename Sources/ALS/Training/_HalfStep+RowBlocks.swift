/// Blocks of consecutive rows with their entries' d = c − w and t = c·p filled in, for the
/// solvers that share one matrix product per block of rows (batched CG, the subspace solver).
internal struct _RowBlock {
    /// The rows, consecutive: their unknowns are `X + rows.lowerBound * dims` onward.
    let rows: Range<Int>
    let offsets: UnsafePointer<Int64>
    let inner: UnsafePointer<Int32>
    /// d and t of the block's entries, entry q at q − `base`.
    let d: UnsafePointer<Float>
    let t: UnsafePointer<Float>
    let base: Int
    /// The body's own scratch (`scratchFloats` floats), per worker.
    let scratch: UnsafeMutablePointer<Float>

    /// Row `row`'s entries: count, fixed-side indices, d, t, and where they start past `base`.
    func entries(of row: Int) -> (n: Int64, idx: UnsafePointer<Int32>, d: UnsafePointer<Float>, t: UnsafePointer<Float>, start: Int) {
        let lo = Int(offsets[row]), hi = Int(offsets[row + 1])
        return (Int64(hi - lo), inner + lo, d + (lo - base), t + (lo - base), lo - base)
    }
}

extension _HalfStep {
    /// Runs `body` on every block of `rowsPerBlock` consecutive rows (the last may be shorter) on
    /// up to `threads` workers, each worker owning `scratchFloats` floats of scratch, with
    /// OpenBLAS single-threaded inside (each worker runs its own matrix products). `longest` is
    /// the most entries any block has, which sizes the per-worker entry arrays.
    func forEachRowBlock(rowsPerBlock m: Int, scratchFloats: (_ longest: Int) -> Int, threads: Int,
                         _ body: (_RowBlock) throws -> Void) throws {
        let count = matrix.outerCount
        var longest = 1
        for start in stride(from: 0, to: count, by: m) {
            let lo = Int(matrix.outerOffsets[start]), hi = Int(matrix.outerOffsets[min(count, start + m)])
            longest = max(longest, hi - lo)
        }
        let extra = scratchFloats(longest)
        let buffers = (0 ..< threads).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: 5 * longest + extra) }
        defer { for b in buffers { b.deallocate() } }
        try _SingleThreadedBLAS.shared.run {
            try matrix.outerOffsets.withUnsafeBufferPointer { Ap in
                try matrix.innerIndices.withUnsafeBufferPointer { Ai in
                    try matrix.values.withUnsafeBufferPointer { Ax in
                        try _parallelFor(count: count, threads: threads, chunk: m) { rows, worker in
                            let buffer = buffers[worker]
                            let (c, p, w) = (buffer, buffer + longest, buffer + 2 * longest)
                            let (d, t) = (buffer + 3 * longest, buffer + 4 * longest)
                            let base = Int(Ap[rows.lowerBound])
                            for row in rows {
                                let lo = Int(Ap[row]), hi = Int(Ap[row + 1]), o = lo - base
                                rule.fill(row: row, range: lo ..< hi, inner: Ai._start, values: Ax._start,
                                          c: c + o, p: p + o, w: w + o, d: d + o, t: t + o)
                            }
                            try body(_RowBlock(rows: rows, offsets: Ap._start, inner: Ai._start, d: d, t: t,
                                               base: base, scratch: buffer + 5 * longest))
                        }
                    }
                }
            }
        }
    }
}
