import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS
@testable import ALSSynthetic

@Suite("Synthetic data: seeded, MovieLens-shaped, power-law, planted tastes, exactly as many interactions as asked")
struct SyntheticDataTests {
    @Test("ml100k shape: 943 users, 1,682 items, 100,000 distinct pairs")
    func ml100kShape() throws {
        let m = try SyntheticData(shape: .ml100k).matrix()
        try m.checkInvariants()
        #expect(m.users == 943)
        #expect(m.items == 1_682)
        #expect(m.nonZeros == 100_000)
        #expect(m.duplicatesMerged == 0)
        #expect(m.userIDs.externalID(0) == "1")
        #expect(m.itemIDs.externalID(1_681) == "1682")
    }

    @Test("the named shapes carry the MovieLens sizes")
    func shapes() {
        #expect(SyntheticData.Shape.ml1m.size == (6_040, 3_706, 1_000_209))
        #expect(SyntheticData.Shape.ml20m.size == (138_493, 26_744, 20_000_263))
        #expect(SyntheticData.Shape.ml25m.size == (162_541, 59_047, 25_000_095))
    }

    @Test("a shape scaled to N interactions keeps its users/items ratio and has exactly N pairs")
    func scaledShape() throws {
        let d = try SyntheticData(shape: .ml25m, interactions: 250_001, values: .playCounts, timestamps: false)
        #expect(d.users == 1_625)   // 162,541 × 250,001 / 25,000,095, rounded
        #expect(d.items == 590)     // 59,047 × …
        let m = try d.matrix()
        try m.checkInvariants()
        #expect(m.nonZeros == 250_001)
        #expect(throws: ALSError.self) { try SyntheticData(shape: .ml25m, interactions: 0) }
    }

    @Test("the same seed gives the same data; another seed does not")
    func determinism() {
        let a = SyntheticData(shape: .ml100k, seed: 7).triplets()
        let b = SyntheticData(shape: .ml100k, seed: 7).triplets()
        let c = SyntheticData(shape: .ml100k, seed: 8).triplets()
        let d = SyntheticData(shape: .ml100k, seed: 7, structure: .popularity).triplets()
        #expect(a.users == b.users && a.items == b.items && a.values == b.values && a.timestamps == b.timestamps)
        #expect(a.items != c.items)
        #expect(a.items != d.items)
        #expect(SyntheticData(shape: .ml100k).structure == .planted)
    }

    /// The planted tastes flatten the middle of the item-popularity curve (each genre's items
    /// share its fans), so the planted data's busiest item is about 14× the median on ml1m
    /// (MovieLens 1M: 28×; popularity alone: 34×).
    @Test("activity and popularity are heavy-tailed, ratings are half stars 1–5, timestamps in range",
          arguments: [(SyntheticData.Structure.planted, 10), (.popularity, 20)])
    func distributions(structure: SyntheticData.Structure, itemTail: Int) throws {
        let m = try SyntheticData(shape: .ml1m, seed: 3, structure: structure).matrix()
        let s = MatrixSummary(m)
        #expect(s.perUser.min >= 1)
        #expect(s.perUser.max <= 3_706 * 45 / 100)
        #expect(s.perUser.max > 8 * s.perUser.p50)
        #expect(s.perItem.max > itemTail * s.perItem.p50)
        #expect(s.perItem.min >= 1)
        #expect(Set(m.byUser.values).isSubset(of: Set(stride(from: Float(1), through: 5, by: 0.5))))
        #expect(s.values.count == 9)
        #expect(s.values.max { $0.count < $1.count }?.lower == 4)
        #expect(s.timestamps!.lowerBound >= 789_652_009 && s.timestamps!.upperBound <= 1_427_784_002)
    }

    @Test("play counts are integers from 1 to 50")
    func playCounts() throws {
        let t = try SyntheticData(users: 50, items: 80, interactions: 1_000, values: .playCounts, timestamps: false).triplets()
        #expect(t.timestamps == nil)
        #expect(t.values.allSatisfy { $0 >= 1 && $0 <= 50 && $0 == $0.rounded() })
        #expect(t.values.contains(1) && t.values.contains { $0 > 5 })
    }

    @Test("the CSV has a header and exactly one line per interaction, and loads back to the same matrix")
    func csvRoundTrip() throws {
        let data = SyntheticData(shape: .ml100k, seed: 11)
        let dir = TemporaryFile("")
        defer { dir.cleanup() }
        let path = dir.sibling("s.csv")
        let bytes = try data.writeCSV(to: path)
        let text = try _InputFile(path: path).bytes(at: 0, count: bytes)
        #expect(text.count == bytes)
        #expect(text.starts(with: Array("user,item,rating,timestamp\n".utf8)))
        #expect(text.filter { $0 == 10 }.count == 100_001)
        let loaded = try DataLoader.load(path: path, options: LoadOptions(progress: .quiet))
        #expect(loaded.format == .csv)
        expectSameMatrix(try data.matrix(), loaded.matrix)
    }

    @Test("sizes that cannot be met are configuration errors")
    func impossibleSizes() {
        #expect(throws: ALSError.self) { try SyntheticData(users: 100, items: 10, interactions: 50) }
        #expect(throws: ALSError.self) { try SyntheticData(users: 10, items: 10, interactions: 90) }
        #expect(throws: ALSError.self) { try SyntheticData(users: 0, items: 10, interactions: 90) }
    }
}
