@_spi(Engine) import ALS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded, deterministic interaction data shaped like the public data sets, for tests and
/// benchmarks that need volume without a download.
///
/// **Structure.** By default (`structure: .planted`) users pick items from a planted low-rank
/// preference model mixed with global popularity (`_PlantedPreferences`: 20 genres, Dirichlet
/// user tastes, 3% of picks by popularity alone), and ratings carry user, item and taste
/// effects, so a factor model has something to learn and popularity is still a strong baseline,
/// as on MovieLens. `structure: .popularity` is the earlier generator: every pick by popularity
/// alone and values independent of everything (the data the benchmarks before December 2026
/// were measured on).
///
/// **Shape.** User activity and item popularity are Zipf-like: the user of activity rank r gets
/// a share ∝ 1/(r + users/400) of the interactions (at least one each, at most 45% of the items),
/// and items are drawn with probability ∝ 1/(rank + items/500). With these offsets an
/// ml20m-shaped set has a busiest user of about 9,000 ratings and a most popular item of about
/// 60,000, as MovieLens 20M does. Ranks are shuffled onto ids, so busy users and popular items are
/// spread over the id range.
///
/// **Guarantees.** Exactly `interactions` (user, item) pairs, all distinct (so the matrix has
/// exactly that many non-zeros and the CSV exactly that many lines after the header); every user
/// has at least one interaction and every item appears at least once (needs
/// `interactions ≥ max(users, items)`); the same seed gives the same data on any machine and thread
/// count. Within a user, items are ascending, as in MovieLens files.
///
/// **Values.** Ratings are half stars from 1 to 5, weighted like MovieLens (4 and 3 most common);
/// play counts are Pareto-distributed integers from 1 to 50. Timestamps, when asked for, are
/// seconds between January 1995 and March 2015, each user's within a few years of a start date.
public struct SyntheticData: Sendable {
    /// The sizes of the public data sets.
    public enum Shape: String, Sendable, CaseIterable {
        case ml100k, ml1m, ml20m, ml25m

        /// (users, items, interactions) as in the MovieLens release.
        public var size: (users: Int, items: Int, interactions: Int) {
            switch self {
            case .ml100k: return (943, 1_682, 100_000)
            case .ml1m: return (6_040, 3_706, 1_000_209)
            case .ml20m: return (138_493, 26_744, 20_000_263)
            case .ml25m: return (162_541, 59_047, 25_000_095)
            }
        }
    }

    /// How users choose items.
    public enum Structure: String, Sendable, CaseIterable {
        /// A planted low-rank preference model plus popularity and noise (the default).
        case planted
        /// Popularity alone; values independent of user and item.
        case popularity
    }

    /// The kind of value each interaction carries.
    public enum Values: String, Sendable, CaseIterable {
        /// Half stars 1, 1.5, …, 5.
        case ratings
        /// Integers 1 … 50, heavy-tailed.
        case playCounts = "play-counts"
    }

    public let users: Int
    public let items: Int
    public let interactions: Int
    public let seed: UInt64
    public let values: Values
    public let timestamps: Bool
    public let structure: Structure

    /// Data shaped like `shape`.
    public init(shape: Shape, seed: UInt64 = 42, values: Values = .ratings, timestamps: Bool = true,
                structure: Structure = .planted) {
        // Every shape satisfies the size rules of `init(users:items:interactions:)` (the
        // synthetic-data tests generate each one), so the fields are set without the checks.
        let s = shape.size
        users = s.users
        items = s.items
        interactions = s.interactions
        self.seed = seed
        self.values = values
        self.timestamps = timestamps
        self.structure = structure
    }

    /// Data shaped like `shape` scaled to `interactions` non-zeros: users and items are the
    /// shape's, each multiplied by `interactions / shape.interactions` (rounded, at least one),
    /// so density and the per-user and per-item count distributions keep their form and the work
    /// of a training iteration grows linearly with `interactions`. Used for the scaling runs
    /// (1M … 25M non-zeros of the ML-25M shape). Throws as the explicit-size initialiser does.
    public init(shape: Shape, interactions: Int, seed: UInt64 = 42, values: Values = .ratings,
                timestamps: Bool = true, structure: Structure = .planted) throws {
        let s = shape.size
        let scale = Double(interactions) / Double(s.interactions)
        try self.init(users: max(1, Int((Double(s.users) * scale).rounded())),
                      items: max(1, Int((Double(s.items) * scale).rounded())),
                      interactions: interactions, seed: seed, values: values, timestamps: timestamps,
                      structure: structure)
    }

    /// Throws `ALSError.invalidConfiguration` unless `max(users, items) ≤ interactions` and the
    /// interactions fit under the per-user cap (45% of the items each).
    public init(users: Int, items: Int, interactions: Int, seed: UInt64 = 42, values: Values = .ratings,
                timestamps: Bool = true, structure: Structure = .planted) throws {
        guard users > 0, items > 0 else {
            throw ALSError.invalidConfiguration(parameter: "shape", reason: "needs at least one user and one item")
        }
        guard interactions >= max(users, items) else {
            throw ALSError.invalidConfiguration(
                parameter: "interactions", reason: "\(interactions) cannot cover \(users) users and \(items) items; use at least \(max(users, items))")
        }
        guard users <= Int(Int32.max), items <= Int(Int32.max), interactions <= users * Self.cap(items: items) else {
            throw ALSError.invalidConfiguration(
                parameter: "interactions", reason: "\(interactions) is too dense for \(users) × \(items); use at most \(users * Self.cap(items: items))")
        }
        self.users = users
        self.items = items
        self.interactions = interactions
        self.seed = seed
        self.values = values
        self.timestamps = timestamps
        self.structure = structure
    }

    /// Most interactions one user may have.
    static func cap(items: Int) -> Int { max(1, items * 45 / 100) }

    // MARK: - Generation

    /// The interactions as triplets with dense indices (`0 ..< users`, `0 ..< items`), users
    /// ascending and items ascending within a user.
    public func triplets() -> Triplets {
        let g = generate()
        var users = [Int32](unsafeUninitializedCapacity: interactions) { _, n in n = interactions }
        users.withUnsafeMutableBufferPointer { u in
            for user in 0 ..< self.users {
                for p in Int(g.offsets[user]) ..< Int(g.offsets[user + 1]) { u[p] = Int32(user) }
            }
        }
        return Triplets(users: users, items: g.items, values: g.values, timestamps: g.timestamps)
    }

    /// The interactions as a matrix whose external ids are 1 … users and 1 … items (as the CSV
    /// written by `writeCSV` reads back).
    public func matrix() throws -> InteractionMatrix {
        let g = generate()
        var csr = CompressedMatrix(outerCount: users, innerCount: items, outerOffsets: g.offsets, innerIndices: g.items,
                                   values: g.values, timestamps: g.timestamps)
        let csc = _parallelTranspose(&csr, workers: System.coreCount)
        return try InteractionMatrix(byUser: csr, byItem: csc, userIDs: try IDMap(integers: (1 ... Int64(users)).map { $0 }),
                                     itemIDs: try IDMap(integers: (1 ... Int64(items)).map { $0 }), duplicatesMerged: 0,
                                     validate: false)
    }

    /// CSR arrays of the generated data: rows = users, items ascending within a row.
    struct Generated {
        var offsets: [Int64]
        var items: [Int32]
        var values: [Float]
        var timestamps: [Int64]?
    }

    /// Generates on every core: users are split into contiguous ranges and each user draws from
    /// its own generator (seeded from `seed` and the user), so the result does not depend on the
    /// split.
    func generate() -> Generated {
        let counts = userCounts()
        var offsets = [Int64](repeating: 0, count: users + 1)
        for u in 0 ..< users { offsets[u + 1] = offsets[u] + Int64(counts[u]) }
        let itemWeights = rankedWeights(count: items, offset: Double(items) / 500, salt: 2)
        let popularity = _AliasTable(weights: itemWeights)
        let planted = structure == .planted ? _PlantedPreferences(seed: seed, popularity: itemWeights) : nil
        let n = interactions
        var itemsOut = [Int32](unsafeUninitializedCapacity: n) { _, c in c = n }
        var valuesOut = [Float](unsafeUninitializedCapacity: n) { _, c in c = n }
        var timesOut: [Int64]? = timestamps ? [Int64](unsafeUninitializedCapacity: n) { _, c in c = n } : nil
        let threads = max(1, min(System.coreCount, users))
        // Split users so that each thread has about the same number of interactions.
        var bounds = [0]
        for t in 1 ..< threads { bounds.append(max(bounds.last!, _lowerBound(offsets, Int64(n * t / threads)))) }
        bounds.append(users)
        itemsOut.withUnsafeMutableBufferPointer { itemsBuffer in
            valuesOut.withUnsafeMutableBufferPointer { valuesBuffer in
                _withOptionalBuffer(&timesOut) { timesBuffer in
                nonisolated(unsafe) let (ib, vb, tb) = (itemsBuffer, valuesBuffer, timesBuffer.baseAddress)
                let ob = offsets
                _loaderParallel(threads) { t in
                    var seen = [UInt32](repeating: 0, count: items)
                    var row: [Int32] = []
                    for u in bounds[t] ..< bounds[t + 1] {
                        let start = Int(ob[u]), end = Int(ob[u + 1])
                        let taste = planted?.user(u)
                        if let planted, let taste {
                            // A user who has taken most of its genres' items repeats itself
                            // often; after 8 tries per slot the rest is filled from all items.
                            fillUser(u, start: start, end: end, seen: &seen, row: &row, attemptsPerItem: 8) {
                                planted.draw(taste, popularity: popularity, &$0)
                            }
                        } else {
                            fillUser(u, start: start, end: end, seen: &seen, row: &row, attemptsPerItem: 64) {
                                popularity.draw($0.next())
                            }
                        }
                        var rng = _SplitMix64(seed: Self.mix(seed, UInt64(u), 3))
                        let firstDay = Int64(789_652_009) + Int64(rng.next() % 600_000_000)
                        for (k, item) in row.enumerated() {
                            ib[start + k] = item
                            if let planted, let taste, values == .ratings {
                                vb[start + k] = planted.rating(taste, item: Int(item), shares: Self.ratingShares, &rng)
                            } else {
                                vb[start + k] = drawValue(&rng)
                            }
                            if let tb { tb[start + k] = min(1_427_784_002, firstDay + Int64(rng.next() % 94_608_000)) }
                        }
                    }
                }
                }
            }
        }
        return Generated(offsets: offsets, items: itemsOut, values: valuesOut, timestamps: timesOut)
    }

    /// User u's items, ascending: the items forced onto its slots (so every item appears), then
    /// `draw`s (by popularity, or from the planted model) without repeats.
    @inline(__always)
    private func fillUser(_ u: Int, start: Int, end: Int, seen: inout [UInt32], row: inout [Int32],
                          attemptsPerItem: Int, draw: (inout _SplitMix64) -> Int) {
        row.removeAll(keepingCapacity: true)
        let stamp = UInt32(truncatingIfNeeded: u + 1)
        // Item k is forced onto global slot ⌊k·n/items⌋, so slots [start, end) get the items
        // k with ⌈start·items/n⌉ ≤ k < ⌈end·items/n⌉ (n ≥ items, so at most one per slot).
        let n = interactions
        func firstForced(_ slot: Int) -> Int { (slot * items + n - 1) / n }
        for k in firstForced(start) ..< firstForced(end) {
            seen[k] = stamp
            row.append(Int32(k))
        }
        let want = end - start
        var rng = _SplitMix64(seed: Self.mix(seed, UInt64(u), 1))
        var attempts = 0
        while row.count < want, attempts < attemptsPerItem * want + 1024 {
            attempts += 1
            let i = draw(&rng)
            if seen[i] != stamp {
                seen[i] = stamp
                row.append(Int32(i))
            }
        }
        // Past the attempt budget (a user holding most of the popular items), take unseen items
        // in order from a random start: still distinct, still deterministic.
        var i = Int(rng.next() % UInt64(items))
        while row.count < want {
            if seen[i] != stamp {
                seen[i] = stamp
                row.append(Int32(i))
            }
            i = i + 1 == items ? 0 : i + 1
        }
        row.sort()
    }

    /// MovieLens 20M's half-star shares from 1 to 5 (0.5 folded into 1), cumulative.
    static let ratingShares: [Double] = [0.045, 0.059, 0.131, 0.175, 0.389, 0.494, 0.772, 0.849, 1.0]

    /// One value from the kind's distribution.
    @inline(__always)
    private func drawValue(_ rng: inout _SplitMix64) -> Float {
        let x = Double(rng.next() >> 11) * 0x1.0p-53
        switch values {
        case .ratings:
            var k = 0
            while k < Self.ratingShares.count - 1, x >= Self.ratingShares[k] { k += 1 }
            return 1 + Float(k) * 0.5
        case .playCounts:
            // Pareto with shape 1.2 from 1, cut at 50.
            return Float(min(50, pow(max(1 - x, 1e-12), -1 / 1.2).rounded(.down)))
        }
    }

    /// Interactions per user: 1 each plus a Zipf-like share of the rest, capped, summing to
    /// `interactions` exactly.
    func userCounts() -> [Int] {
        let weights = rankedWeights(count: users, offset: Double(users) / 400, salt: 0)
        let cap = Self.cap(items: items) - 1
        var remaining = Double(interactions - users)
        var share = [Double](repeating: 0, count: users)
        var open = Array(0 ..< users)
        // Water-filling: give shares by weight; users over the cap are fixed at it and the rest
        // is shared again among the others.
        while !open.isEmpty, remaining > 0 {
            let total = open.reduce(0) { $0 + weights[$1] }
            var over: [Int] = []
            for u in open where remaining * weights[u] / total > Double(cap) { over.append(u) }
            if over.isEmpty {
                for u in open { share[u] = remaining * weights[u] / total }
                break
            }
            for u in over { share[u] = Double(cap) }
            remaining -= Double(over.count * cap)
            let fixed = Set(over)
            open.removeAll { fixed.contains($0) }
        }
        // Round down, then hand out what is left by largest remainder (ties to the lower user).
        var counts = share.map { 1 + Int($0.rounded(.down)) }
        var left = interactions - counts.reduce(0, +)
        let order = (0 ..< users).sorted { a, b in
            let fa = share[a] - share[a].rounded(.down), fb = share[b] - share[b].rounded(.down)
            return fa != fb ? fa > fb : a < b
        }
        var k = 0
        while left > 0 {
            let u = order[k % users]
            if counts[u] <= cap {
                counts[u] += 1
                left -= 1
            }
            k += 1
        }
        return counts
    }

    /// Weights 1/(rank + offset) with ranks shuffled onto indices by a seeded permutation.
    private func rankedWeights(count: Int, offset: Double, salt: UInt64) -> [Double] {
        // Fisher–Yates with our own bounded draw, so that the permutation does not depend on the
        // standard library's shuffle.
        var rank = Array(0 ..< count)
        var rng = _SplitMix64(seed: Self.mix(seed, salt, 0xA5))
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(((rng.next() >> 32) &* UInt64(i + 1)) >> 32)
            rank.swapAt(i, j)
        }
        return rank.map { 1 / (Double($0) + max(1, offset)) }
    }

    /// A seed for one stream of the generator, from the user seed and two labels (0–3 here,
    /// 4–5 in `_PlantedPreferences`, 0xA5 for the rank permutations).
    static func mix(_ seed: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        var g = _SplitMix64(seed: seed ^ (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F))
        return g.next()
    }
}
