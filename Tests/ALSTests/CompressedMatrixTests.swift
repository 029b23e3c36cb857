import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// Tests use the engine's own seeded generator, so failures reproduce.
typealias TestRNG = _SplitMix64

func randomTriplets(users: Int, items: Int, count: Int, seed: UInt64, timestamps: Bool = false) -> Triplets {
    var rng = TestRNG(seed: seed)
    var t = Triplets()
    for _ in 0 ..< count {
        t.users.append(Int32.random(in: 0 ..< Int32(users), using: &rng))
        t.items.append(Int32.random(in: 0 ..< Int32(items), using: &rng))
        t.values.append(Float(Int.random(in: 1 ... 5, using: &rng)))
    }
    if timestamps { t.timestamps = (0 ..< count).map { Int64($0) } }
    return t
}

@Suite("Sparse storage: triplets to CSR and CSC")
struct CompressedMatrixTests {
    @Test("random triplets round-trip through CSR and CSC with sums of duplicates", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        let (users, items) = (17, 23)
        let t = randomTriplets(users: users, items: items, count: 300, seed: seed, timestamps: true)
        let m = try InteractionMatrix(users: users, items: items, triplets: t, duplicates: .sum)
        try m.checkInvariants()
        // Expected: a dense sum.
        var dense = [[Float]](repeating: [Float](repeating: 0, count: items), count: users)
        var present = Set<Int>()
        for p in 0 ..< t.count {
            dense[Int(t.users[p])][Int(t.items[p])] += t.values[p]
            present.insert(Int(t.users[p]) * items + Int(t.items[p]))
        }
        #expect(m.nonZeros == present.count)
        #expect(m.duplicatesMerged == t.count - present.count)
        let back = m.triplets()
        for p in 0 ..< back.count {
            #expect(dense[Int(back.users[p])][Int(back.items[p])] == back.values[p])
        }
        // CSC agrees entry by entry.
        for i in 0 ..< items {
            for p in m.byItem.range(of: i) {
                let u = Int(m.byItem.innerIndices[p])
                #expect(m.byItem.values[p] == dense[u][i])
            }
        }
    }

    @Test("duplicate policies: sum, last, max and error")
    func duplicatePolicies() throws {
        let t = Triplets(users: [0, 1, 0, 0], items: [2, 0, 2, 2], values: [3, 1, 5, 4],
                         timestamps: [10, 11, 30, 20], lines: [1, 2, 3, 4])
        func cell(_ p: DuplicatePolicy) throws -> (Float, Int64) {
            let m = try InteractionMatrix(users: 2, items: 3, triplets: t, duplicates: p)
            try m.checkInvariants()
            #expect(m.nonZeros == 2)
            return (m.byUser.values[0], m.byUser.timestamps![0])
        }
        #expect(try cell(.sum) == (12, 30))
        #expect(try cell(.last) == (4, 30))
        #expect(try cell(.max) == (5, 30))
        #expect(throws: ALSError.duplicateEntry(user: "0", item: "2", line: 3)) {
            try InteractionMatrix(users: 2, items: 3, triplets: t, duplicates: .error)
        }
    }

    @Test("out-of-range triplets are rejected, not dropped")
    func outOfRange() {
        let t = Triplets(users: [0, 5], items: [0, 0], values: [1, 1])
        #expect(throws: ALSError.self) { try InteractionMatrix(users: 2, items: 1, triplets: t) }
    }

    @Test("checkInvariants catches unsorted, out-of-range and inconsistent offsets")
    func invariantsCatchBreakage() throws {
        let good = CompressedMatrix(outerCount: 2, innerCount: 3, outerOffsets: [0, 2, 3],
                                    innerIndices: [0, 2, 1], values: [1, 2, 3])
        try good.checkInvariants()
        var unsorted = good; unsorted.innerIndices = [2, 0, 1]
        #expect(throws: ALSError.self) { try unsorted.checkInvariants() }
        var outside = good; outside.innerIndices = [0, 3, 1]
        #expect(throws: ALSError.self) { try outside.checkInvariants() }
        var offsets = good; offsets.outerOffsets = [0, 2, 2]
        #expect(throws: ALSError.self) { try offsets.checkInvariants() }
        #expect(good.transposed().transposed() == good)
    }

    /// The cache fuzzer (CI, 2026-12-07) found a file whose middle offset lay past the entries:
    /// checkInvariants read innerIndices out of range and trapped instead of throwing.
    @Test("regression: a middle offset past nonZeros throws, not traps (fuzz cache crash-c471799f)")
    func middleOffsetPastEntriesThrows() {
        let bad = CompressedMatrix(outerCount: 2, innerCount: 3, outerOffsets: [0, 100, 3],
                                   innerIndices: [0, 1, 2], values: [1, 2, 3])
        #expect(throws: ALSError.invariantViolation("outerOffsets[1] 100 is past nonZeros 3")) { try bad.checkInvariants() }
    }

    @Test("id maps work both ways for integer and text ids")
    func idMaps() throws {
        let ints = try IDMap(integers: [196, 186, 22])
        #expect(ints.index(of: 186 as Int64) == 1)
        #expect(ints.index(of: "22") == 2)
        #expect(ints.externalID(0) == "196")
        #expect(ints.index(of: "7") == nil)
        let strs = try IDMap(strings: ["alice", "bob"])
        #expect(strs.index(of: "bob") == 1)
        #expect(strs.externalID(0) == "alice")
        #expect(throws: ALSError.self) { try IDMap(strings: ["a", "a"]) }
    }

    @Test("consecutive integer ids are found by subtraction, with the same answers as a hash table")
    func consecutiveIDMaps() throws {
        let run = try IDMap(integers: [5, 6, 7, 8])
        let shuffled = try IDMap(integers: [8, 5, 7, 6])
        #expect(run._rangeStart == 5 && shuffled._rangeStart == nil)
        for id: Int64 in [4, 5, 6, 8, 9, -1, .min, .max] {
            #expect(run.index(of: id) == ((5 ... 8).contains(id) ? Int(id - 5) : nil))
            #expect(run.index(of: String(id)) == run.index(of: id))
            #expect(shuffled.index(of: id).map { shuffled.externalID($0) } == ((5 ... 8).contains(id) ? String(id) : nil))
        }
        // A run that ends at Int64.max, and one that would wrap past it (a hash table, not a range).
        let top = try IDMap(integers: [.max - 1, .max])
        #expect(top._rangeStart == Int64.max - 1)
        #expect(top.index(of: Int64.max) == 1)
        #expect(top.index(of: Int64.min) == nil)
        let wrap = try IDMap(integers: [.max, .min])
        #expect(wrap._rangeStart == nil && wrap.index(of: Int64.min) == 1)
        #expect(IDMap.identity(count: 3) == (try IDMap(integers: [0, 1, 2])))
        #expect(IDMap.identity(count: 0).count == 0 && IDMap.identity(count: 0).index(of: 0 as Int64) == nil)
        #expect(IDMap.consecutive(from: 1, count: 3).index(of: "3") == 2)
    }
}
