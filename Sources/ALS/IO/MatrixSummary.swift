/// The figures `als inspect` prints about an `InteractionMatrix`: shape, density, the value
/// histogram, and quantiles of the number of interactions per user and per item.
@_spi(Engine) public struct MatrixSummary: Sendable, Equatable {
    /// Quantiles of a list of counts by the nearest-rank rule: the q-quantile is the smallest
    /// count c such that at least a fraction q of the list is ≤ c (so every figure is a count
    /// that occurs, and p50 of [1, 2, 3, 4] is 2).
    public struct Quantiles: Sendable, Equatable {
        public var min, p25, p50, p75, p90, p99, max: Int

        public init(min: Int, p25: Int, p50: Int, p75: Int, p90: Int, p99: Int, max: Int) {
            (self.min, self.p25, self.p50, self.p75, self.p90, self.p99, self.max) = (min, p25, p50, p75, p90, p99, max)
        }

        /// Quantiles of `counts` (all zero when empty).
        public init(_ counts: [Int]) {
            let s = counts.sorted()
            func rank(_ q: Double) -> Int {
                guard !s.isEmpty else { return 0 }
                let r = Int((q * Double(s.count)).rounded(.up))
                return s[Swift.min(s.count, Swift.max(1, r)) - 1]
            }
            self.init(min: s.first ?? 0, p25: rank(0.25), p50: rank(0.5), p75: rank(0.75), p90: rank(0.9),
                      p99: rank(0.99), max: s.last ?? 0)
        }
    }

    /// One histogram bar: values in `lower ... upper` (equal when each distinct value has its
    /// own bar).
    public struct Bin: Sendable, Equatable {
        public var lower: Float
        public var upper: Float
        public var count: Int
    }

    /// Values with at most this many distinct figures get one bar each; otherwise ten bars of
    /// equal width.
    public static let distinctLimit = 20

    public var users: Int
    public var items: Int
    public var nonZeros: Int
    public var density: Double
    public var duplicatesMerged: Int
    public var values: [Bin]
    public var perUser: Quantiles
    public var perItem: Quantiles
    /// Earliest and latest timestamp, when the matrix has timestamps.
    public var timestamps: ClosedRange<Int64>?
    /// Bytes held by the CSR and CSC arrays and the id lists (the dictionaries behind `IDMap`
    /// lookups are not counted): the "final in-memory structure" of the loader benchmark.
    public var storageBytes: Int

    public init(_ m: InteractionMatrix) {
        users = m.users
        items = m.items
        nonZeros = m.nonZeros
        density = m.density
        duplicatesMerged = m.duplicatesMerged
        perUser = Quantiles((0 ..< m.users).map { m.byUser.count(of: $0) })
        perItem = Quantiles((0 ..< m.items).map { m.byItem.count(of: $0) })
        values = Self.histogram(m.byUser.values)
        timestamps = m.byUser.timestamps.flatMap { t in t.min().map { $0 ... t.max()! } }
        func bytes(_ c: CompressedMatrix) -> Int {
            c.outerOffsets.count * 8 + c.innerIndices.count * 4 + c.values.count * 4
                + (c.timestamps?.count ?? 0) * 8 + (c.weights?.count ?? 0) * 4
        }
        func bytes(_ ids: IDMap) -> Int {
            switch ids.storage {
            case .integers(let a): return a.count * 8
            case .strings(let a): return a.reduce(0) { $0 + 16 + $1.utf8.count }
            }
        }
        storageBytes = bytes(m.byUser) + bytes(m.byItem) + bytes(m.userIDs) + bytes(m.itemIDs)
    }

    /// One bar per distinct value when there are few, else ten equal-width bars.
    static func histogram(_ values: [Float]) -> [Bin] {
        guard let lo = values.min(), let hi = values.max() else { return [] }
        // Distinct values by bit pattern, in a short table searched from the last hit (ratings
        // and counts repeat a handful of values, so this beats a dictionary).
        var bits = [UInt32](repeating: 0, count: distinctLimit)
        var counts = [Int](repeating: 0, count: distinctLimit)
        let distinct = bits.withUnsafeMutableBufferPointer { bits in
            counts.withUnsafeMutableBufferPointer { counts -> Int in
                var n = 0, last = 0
                scan: for v in values {
                    let b = v.bitPattern
                    if bits[last] == b, last < n {
                        counts[last] += 1
                        continue
                    }
                    for k in 0 ..< n where bits[k] == b {
                        counts[k] += 1
                        last = k
                        continue scan
                    }
                    if n == distinctLimit { return -1 }
                    bits[n] = b
                    counts[n] = 1
                    last = n
                    n += 1
                }
                return n
            }
        }
        if distinct >= 0 {
            return (0 ..< distinct).map { Bin(lower: Float(bitPattern: bits[$0]), upper: Float(bitPattern: bits[$0]), count: counts[$0]) }
                .sorted { $0.lower < $1.lower }
        }
        let bars = 10
        let width = (hi - lo) / Float(bars)
        var barCounts = [Int](repeating: 0, count: bars)
        for v in values { barCounts[Swift.min(bars - 1, Int((v - lo) / width))] += 1 }
        return (0 ..< bars).map { k in
            Bin(lower: lo + Float(k) * width, upper: k == bars - 1 ? hi : lo + Float(k + 1) * width, count: barCounts[k])
        }
    }
}
