/// Replaces the ids parsed by each region with dense indices `0 ..< count` and returns the map.
///
/// - Integer ids get dense indices in ascending numeric order, whichever thread saw them, so the
///   result does not depend on the number of threads or on line order. For `.direct` ids
///   (`0 ..< 2³²`) this is a presence table and a prefix sum when the largest id is at most
///   max(2²⁴, count); otherwise, and for `.wideIntegers`, a sorted list and a binary search.
/// - Text ids get dense indices in order of first appearance in the file.
///
/// `column(region)` gives the region's parsed column; `extra(region)` ids that need an index
/// without being in the column (adjacency users with no item).
func _assignDenseIDs(mode: _IDMode, regions: [_RegionParser], user: Bool, workers: Int) throws -> IDMap {
    let columns = regions.map { user ? $0.users.mutableBuffer : $0.items.mutableBuffer }
    let extras = regions.map { user ? $0.lonelyUsers : [] }
    let locals = regions.map { user ? $0.userIDs : $0.itemIDs }
    let total = columns.reduce(0) { $0 + $1.count } + extras.reduce(0) { $0 + $1.count }

    /// Rewrites every column through a lookup table: `tables[r]` for region r, or `tables[0]`
    /// for all when there is one (one region per thread).
    func remap(_ tables: [[UInt32]]) {
        nonisolated(unsafe) let columns = columns
        _loaderParallel(columns.count, workers: workers) { r in
            let c = columns[r]
            tables[tables.count == 1 ? 0 : r].withUnsafeBufferPointer { t in
                for k in 0 ..< c.count { c[k] = t[Int(c[k])] }
            }
        }
    }

    switch mode {
    case .direct:
        let maxID = Int(locals.map(\.maxDirect).max() ?? 0)
        if maxID < max(1 << 24, total) {
            // Presence table: one byte per possible id, set by each region, then a prefix sum.
            let size = maxID + 1
            let present = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            defer { present.deallocate() }
            present.initialize(repeating: 0, count: size)
            nonisolated(unsafe) let (cols, p) = (columns, present)
            // Every writer stores the same byte 1, one region per thread.
            _loaderParallel(cols.count, workers: workers) { r in
                for v in cols[r] { p[Int(v)] = 1 }
            }
            for e in extras { for v in e { present[Int(v)] = 1 } }
            var dense = [UInt32](repeating: 0, count: size)
            var ids: [Int64] = []
            for v in 0 ..< size where present[v] != 0 {
                dense[v] = UInt32(ids.count)
                ids.append(Int64(v))
            }
            remap([dense])
            return try IDMap(integers: ids)
        }
        // Sparse ids far above the count: sort each region's distinct ids, merge, search.
        let sortedSlots = _LoaderSlots<[UInt32]>(columns.count)
        nonisolated(unsafe) let sources = columns
        _loaderParallel(sources.count, workers: workers) { r in
            var a = Array(sources[r])
            a.sort()
            sortedSlots[r] = a
        }
        var all = sortedSlots.values.flatMap { $0 } + extras.flatMap { $0 }
        all.sort()
        let distinct = _uniqueSorted(all)
        nonisolated(unsafe) let targets = columns
        _loaderParallel(targets.count, workers: workers) { r in
            let c = targets[r]
            for k in 0 ..< c.count { c[k] = UInt32(_lowerBound(distinct, c[k])) }
        }
        return try IDMap(integers: distinct.map(Int64.init))
    case .wideIntegers:
        let distinct = _uniqueSorted(locals.flatMap(\.wide.keys).sorted())
        let translations = locals.map { l in l.wide.keys.map { UInt32(_lowerBound(distinct, $0)) } }
        remap(translations)
        return try IDMap(integers: distinct)
    case .text:
        // Regions in file order, each region's ids in its own order of first appearance.
        var global = _Numbering<String>()
        let translations = locals.map { l in l.text.keys.map { global.number($0) } }
        remap(translations)
        return try IDMap(strings: global.keys)
    }
}

/// `a` (sorted) without repeats.
func _uniqueSorted<T: Equatable>(_ a: [T]) -> [T] {
    var out: [T] = []
    out.reserveCapacity(a.count)
    for v in a where out.last != v { out.append(v) }
    return out
}

/// The first index of sorted `a` whose element is not less than `v`.
@_spi(Engine) public func _lowerBound<T: Comparable>(_ a: [T], _ v: T) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if a[mid] < v { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
