/// Builds the `InteractionMatrix` from parsed regions whose ids are already dense, on every
/// core and with little memory above the result:
///
/// 1. a stable counting sort by user scatters every region (one per thread, each after the
///    regions before it) straight into the arrays the CSR keeps, freeing each region's columns
///    as soon as it is scattered;
/// 2. rows that are not already sorted by item are sorted, stably (files sorted by user and
///    item, as MovieLens ships them, skip this), so duplicate cells end up adjacent in input
///    order;
/// 3. duplicates are merged by `policy` (only when there are any);
/// 4. a stable transpose of the CSR gives the CSC.
///
/// Peak memory is the regions plus the CSR (≈ 1.1× the finished matrix with timestamps), then
/// the finished matrix. Fresh pages cost as much as the work here (the kernel zeroes each one), so
/// nothing is allocated that is not kept, and nothing is zero-filled before it is written.
///
/// - Parameter lineOffsets: for each region, the number of lines before it in the file (to turn
///   local line numbers into file line numbers for `DuplicatePolicy.error`).
/// - Postcondition: every region's columns are freed.
func _buildMatrix(regions: [_RegionParser], users: Int, items: Int, timestamps hasTimestamps: Bool,
                  policy: DuplicatePolicy, lineOffsets: [Int], userIDs: IDMap, itemIDs: IDMap,
                  workers: Int) throws -> InteractionMatrix {
    let nnz = regions.reduce(0) { $0 + $1.users.count }

    // 1–3: the CSR, written straight into the arrays the matrix keeps.
    var csrOffsets = [Int64](repeating: 0, count: users + 1)
    var lines: _LineColumn? = policy == .error ? _LineColumn(count: nnz) : nil
    var merged = 0
    let (csrItems, csrValues, csrTimes) = try _newHalfArrays(count: nnz, timestamps: hasTimestamps) { i, x, t in
        try csrOffsets.withUnsafeMutableBufferPointer { offsets in
            let csr = _CompressedView(outerCount: users, innerCount: items, offsets: offsets, inner: i, values: x,
                                      times: t, lines: lines?.lines, nonZeros: nnz)
            _scatterByUser(regions, into: csr, lineOffsets: lineOffsets, workers: workers)
            _sortRows(csr, workers: workers)
            merged = try _mergeDuplicates(csr, policy: policy, userIDs: userIDs, itemIDs: itemIDs)
            return nnz - merged
        }
    }
    lines = nil

    // 4. The CSC by a stable transpose of the CSR.
    var byUser = CompressedMatrix(outerCount: users, innerCount: items, outerOffsets: csrOffsets, innerIndices: csrItems,
                                  values: csrValues, timestamps: csrTimes)
    let byItem = _parallelTranspose(&byUser, workers: workers)
    return try InteractionMatrix(byUser: byUser, byItem: byItem, userIDs: userIDs, itemIDs: itemIDs,
                                 duplicatesMerged: merged, validate: false)
}

/// The transpose of `m` (CSR ↔ CSC) on `workers` threads, with no zero-filling and no
/// permutation array: what `CompressedMatrix.transposed()` computes, faster for large matrices.
/// `m` is `inout` only to reach its arrays without copying; it is not changed. Weights are not
/// carried (the loader and the generator never produce them).
@_spi(Engine) public func _parallelTranspose(_ m: inout CompressedMatrix, workers: Int) -> CompressedMatrix {
    precondition(m.weights == nil, "_parallelTranspose does not carry weights")
    let (outer, inner, nnz) = (m.outerCount, m.innerCount, m.nonZeros)
    let hasTimestamps = m.timestamps != nil
    var offsets = [Int64](repeating: 0, count: inner + 1)
    let (indices, values, times) = _newHalfArrays(count: nnz, timestamps: hasTimestamps) { i, x, t in
        offsets.withUnsafeMutableBufferPointer { offsets in
            m.outerOffsets.withUnsafeMutableBufferPointer { so in
                m.innerIndices.withUnsafeMutableBufferPointer { si in
                    m.values.withUnsafeMutableBufferPointer { sx in
                        _withOptionalBuffer(&m.timestamps) { st in
                            let source = _CompressedView(outerCount: outer, innerCount: inner, offsets: so, inner: si,
                                                         values: sx, times: hasTimestamps ? st : nil, lines: nil, nonZeros: nnz)
                            let target = _CompressedView(outerCount: inner, innerCount: outer, offsets: offsets, inner: i,
                                                         values: x, times: t, lines: nil, nonZeros: nnz)
                            _transpose(source, into: target, workers: workers)
                        }
                    }
                }
            }
        }
        return nnz
    }
    return CompressedMatrix(outerCount: inner, innerCount: outer, outerOffsets: offsets, innerIndices: indices,
                            values: values, timestamps: times)
}

/// Step 1 of `_buildMatrix`: a stable counting sort by user of every region (one per thread,
/// each after the regions before it) into `target`, freeing each region as it is done. Fills
/// `target.offsets`.
private func _scatterByUser(_ regions: [_RegionParser], into target: _CompressedView, lineOffsets: [Int], workers: Int) {
    let regionCount = regions.count, users = target.outerCount
    let userCounts = _LoaderSlots<[Int]>(regionCount)
    nonisolated(unsafe) let parsed = regions
    _loaderParallel(regionCount, workers: workers) { r in
        var c = [Int](repeating: 0, count: users)
        c.withUnsafeMutableBufferPointer { c in
            for u in parsed[r].users.buffer { c[Int(u)] += 1 }
        }
        userCounts[r] = c
    }
    let starts = _partStarts(userCounts.values, offsets: target.offsets)
    _loaderParallel(regionCount, workers: workers) { r in
        var region = parsed[r]
        var next = starts[r]
        let us = region.users.buffer, its = region.items.buffer, vs = region.values.buffer
        let ts = region.timestamps.buffer, ls = region.lines.buffer
        let offset = Int32(truncatingIfNeeded: lineOffsets[r])
        let (ti, tv, tt, tl) = (target.inner, target.values, target.times, target.lines)
        next.withUnsafeMutableBufferPointer { next in
            for p in 0 ..< us.count {
                let u = Int(us[p])
                let q = next[u]
                next[u] = q + 1
                ti[q] = Int32(bitPattern: its[p])
                tv[q] = vs[p]
                if let tt { tt[q] = ts[p] }
                if let tl { tl[q] = ls[p] &+ offset }
            }
        }
        region.free()
    }
}

/// Step 2 of `_buildMatrix`: sorts every row by item, stably (equal items keep their input
/// order, which `DuplicatePolicy.last` relies on). Rows already in order cost one comparison per
/// entry. Rows are split into parts by entry count.
func _sortRows(_ m: _CompressedView, workers: Int) {
    let bounds = _balancedBounds(m.offsets, parts: _partCount(entries: m.nonZeros, workers: workers))
    _loaderParallel(bounds.count - 1, workers: workers) { s in
        var keys: [UInt64] = []
        var scratchValues: [Float] = []
        var scratchTimes: [Int64] = []
        var scratchLines: [Int32] = []
        for row in bounds[s] ..< bounds[s + 1] {
            let lo = Int(m.offsets[row]), hi = Int(m.offsets[row + 1])
            var sorted = true
            if hi - lo > 1 {
                for p in lo + 1 ..< hi where m.inner[p] < m.inner[p - 1] {
                    sorted = false
                    break
                }
            }
            if sorted { continue }
            // Key = item · 2³² + position in the row: unique, so any sort is stable here.
            keys.removeAll(keepingCapacity: true)
            for p in lo ..< hi { keys.append(UInt64(UInt32(bitPattern: m.inner[p])) << 32 | UInt64(p - lo)) }
            keys.sort()
            scratchValues.removeAll(keepingCapacity: true)
            scratchValues.append(contentsOf: m.values[lo ..< hi])
            if let t = m.times {
                scratchTimes.removeAll(keepingCapacity: true)
                scratchTimes.append(contentsOf: t[lo ..< hi])
            }
            if let l = m.lines {
                scratchLines.removeAll(keepingCapacity: true)
                scratchLines.append(contentsOf: l[lo ..< hi])
            }
            for (k, key) in keys.enumerated() {
                let from = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
                m.inner[lo + k] = Int32(truncatingIfNeeded: key >> 32)
                m.values[lo + k] = scratchValues[from]
                if let t = m.times { t[lo + k] = scratchTimes[from] }
                if let l = m.lines { l[lo + k] = scratchLines[from] }
            }
        }
    }
}

/// The cumulative sum behind a counting sort done in parts: with `counts[s][j]` entries of part
/// s in slot j, fills `offsets` (slot starts, one more than the slots) and returns where each
/// part's entries of each slot start, parts in order within a slot (which keeps the sort stable).
func _partStarts(_ counts: [[Int]], offsets: UnsafeMutableBufferPointer<Int64>) -> [[Int]] {
    let slots = offsets.count - 1
    var starts = [[Int]](repeating: [Int](repeating: 0, count: slots), count: counts.count)
    var running = 0
    for j in 0 ..< slots {
        offsets[j] = Int64(running)
        for s in counts.indices {
            starts[s][j] = running
            running += counts[s][j]
        }
    }
    offsets[slots] = Int64(running)
    return starts
}

/// Splits the outer range of `offsets` into `parts` contiguous ranges holding about the same
/// number of entries; returns the `parts + 1` bounds.
func _balancedBounds(_ offsets: UnsafeMutableBufferPointer<Int64>, parts: Int) -> [Int] {
    let outer = offsets.count - 1
    let nnz = offsets[outer]
    var bounds = [0]
    for s in 1 ..< max(1, parts) {
        let goal = nnz * Int64(s) / Int64(parts)
        var lo = bounds.last!, hi = outer
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < goal { lo = mid + 1 } else { hi = mid }
        }
        bounds.append(lo)
    }
    bounds.append(outer)
    return bounds
}

/// One compressed structure (CSR or CSC) as raw buffers, owned elsewhere: the form the
/// transpose and the duplicate merge work on, whether the memory is a temporary allocation or
/// the inside of the arrays a `CompressedMatrix` will keep. `lines` holds file line numbers (for
/// duplicate errors) when kept.
struct _CompressedView {
    let outerCount: Int
    let innerCount: Int
    let offsets: UnsafeMutableBufferPointer<Int64>
    let inner: UnsafeMutableBufferPointer<Int32>
    let values: UnsafeMutableBufferPointer<Float>
    let times: UnsafeMutableBufferPointer<Int64>?
    let lines: UnsafeMutableBufferPointer<Int32>?
    /// Entries in use.
    let nonZeros: Int
}

/// A column of file line numbers (for `DuplicatePolicy.error` messages), freed with the object.
final class _LineColumn: @unchecked Sendable {
    let lines: UnsafeMutableBufferPointer<Int32>
    init(count: Int) { lines = _allocateLarge(count) }
    deinit { lines.deallocate() }
}

/// Creates the index, value and (optionally) timestamp arrays of one half without initialising
/// them, lets `fill` write them and return how many entries it wrote (at most `count`), and
/// returns them with that many entries.
func _newHalfArrays(
    count: Int, timestamps: Bool,
    _ fill: (UnsafeMutableBufferPointer<Int32>, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Int64>?) throws -> Int
) rethrows -> ([Int32], [Float], [Int64]?) {
    var values: [Float] = []
    var times: [Int64]? = nil
    let inner = try [Int32](unsafeUninitializedCapacity: count) { i, ic in
        values = try [Float](unsafeUninitializedCapacity: count) { x, xc in
            var written = 0
            if timestamps {
                times = try [Int64](unsafeUninitializedCapacity: count) { t, tc in
                    written = try fill(i, x, t)
                    tc = written
                }
            } else {
                written = try fill(i, x, nil)
            }
            xc = written
        }
        ic = values.count
    }
    return (inner, values, times)
}

/// Uninitialised memory for `count` values (never zero-filled: every entry is written before it
/// is read).
///
/// Transparent huge pages are deliberately not requested: on the 2-core KVM machine of the
/// benchmark, `MADV_HUGEPAGE` made first-touch faults 0.06–1.7 s per 640 MB against a steady
/// 0.26 s for 4 KiB pages, and the loader's system time went from 0.7 s to 1.7 s.
func _allocateLarge<T>(_ count: Int) -> UnsafeMutableBufferPointer<T> {
    UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, count))
}

/// The stable transpose of `source` into `target` (allocated for as many entries), by a
/// counting sort plus a cumulative sum as in CSparse's `cs_transpose`, with the outer range
/// split into parts by entry count: each part is counted, then scattered after the parts before
/// it, so every target slot lists its entries in source order.
func _transpose(_ source: _CompressedView, into target: _CompressedView, workers: Int) {
    let inner = source.innerCount
    let Sp = source.offsets
    let bounds = _balancedBounds(Sp, parts: _partCount(entries: source.nonZeros, workers: workers))
    let parts = bounds.count - 1
    let counts = _LoaderSlots<[Int]>(parts)
    _loaderParallel(parts, workers: workers) { s in
        var c = [Int](repeating: 0, count: inner)
        c.withUnsafeMutableBufferPointer { c in
            for p in Int(Sp[bounds[s]]) ..< Int(Sp[bounds[s + 1]]) { c[Int(source.inner[p])] += 1 }
        }
        counts[s] = c
    }
    let firstSlots = _partStarts(counts.values, offsets: target.offsets)
    _loaderParallel(parts, workers: workers) { s in
        var next = firstSlots[s]
        let (Si, Sx, St, Sl) = (source.inner, source.values, source.times, source.lines)
        let (Ti, Tx, Tt, Tl) = (target.inner, target.values, target.times, target.lines)
        next.withUnsafeMutableBufferPointer { next in
            for o in bounds[s] ..< bounds[s + 1] {
                let slot = Int32(truncatingIfNeeded: o)
                for p in Int(Sp[o]) ..< Int(Sp[o + 1]) {
                    let j = Int(Si[p])
                    let q = next[j]
                    next[j] = q + 1
                    Ti[q] = slot
                    Tx[q] = Sx[p]
                    if let Tt { Tt[q] = St![p] }
                    if let Tl { Tl[q] = Sl![p] }
                }
            }
        }
    }
}

/// Merges the duplicate cells of a CSR whose rows are sorted with duplicates adjacent in input
/// order, by `policy` (`DuplicatePolicy.merge`, the rule `InteractionMatrix` applies too),
/// compacting in place. Returns how many entries were merged away.
func _mergeDuplicates(_ m: _CompressedView, policy: DuplicatePolicy, userIDs: IDMap, itemIDs: IDMap) throws -> Int {
    let (Ap, Ai, Ax, At) = (m.offsets, m.inner, m.values, m.times)
    // Most inputs have none: look first (rows split over two threads), compact only if needed.
    let found = _LoaderSlots<Bool>(2)
    let rows = m.outerCount
    _loaderParallel(2) { half in
        let lo = half == 0 ? 0 : rows / 2, hi = half == 0 ? rows / 2 : rows
        var any = false
        for u in lo ..< hi where Ap[u + 1] - Ap[u] > 1 {
            for p in Int(Ap[u]) + 1 ..< Int(Ap[u + 1]) where Ai[p] == Ai[p - 1] {
                any = true
                break
            }
            if any { break }
        }
        found[half] = any
    }
    guard found[0]! || found[1]! else { return 0 }
    var write = 0
    var start = 0
    for u in 0 ..< rows {
        let end = Int(Ap[u + 1])
        let rowBegin = write
        for p in start ..< end {
            let j = Ai[p]
            if write > rowBegin, Ai[write - 1] == j {
                let d = write - 1
                if policy == .error {
                    throw ALSError.duplicateEntry(user: userIDs.externalID(u), item: itemIDs.externalID(Int(j)),
                                                  line: Int(m.lines?[p] ?? 0))
                }
                policy.merge(&Ax[d], Ax[p])
                if let At { DuplicatePolicy.mergeTimestamp(&At[d], At[p]) }
                continue
            }
            Ai[write] = j
            Ax[write] = Ax[p]
            if let At { At[write] = At[p] }
            write += 1
        }
        start = end
        Ap[u + 1] = Int64(write)
    }
    return m.nonZeros - write
}

/// Calls `body` with the array's buffer, or with an empty buffer when the array is nil.
@_spi(Engine) public func _withOptionalBuffer<T, R>(_ a: inout [T]?, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
    if a == nil { return try body(UnsafeMutableBufferPointer(start: nil, count: 0)) }
    return try a!.withUnsafeMutableBufferPointer { try body($0) }
}
