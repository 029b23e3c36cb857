import Glibc
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// A small matrix with every optional part: text or integer ids, timestamps, weights.
func sampleMatrix(textIDs: Bool, timestamps: Bool = true, weights: Bool = false) throws -> InteractionMatrix {
    let t = randomTriplets(users: 13, items: 17, count: 120, seed: 5, timestamps: timestamps)
    var withWeights = t
    if weights { withWeights.weights = (0 ..< t.count).map { Float($0 % 7) / 4 } }
    let users: IDMap = textIDs ? try IDMap(strings: (0 ..< 13).map { "user \($0) é" }) : try IDMap(integers: (0 ..< 13).map { Int64($0 * 1_000 - 5) })
    let items: IDMap = textIDs ? try IDMap(strings: (0 ..< 17).map { "item-\($0)" }) : try IDMap(integers: (0 ..< 17).map { Int64($0 + 1) })
    // Values with many digits, to check that the text formats keep every bit.
    withWeights.values = withWeights.values.enumerated().map { $1 / 3 + Float($0) * 0.001 }
    return try InteractionMatrix(users: 13, items: 17, triplets: withWeights, userIDs: users, itemIDs: items)
}

func expectSameMatrix(_ a: InteractionMatrix, _ b: InteractionMatrix, timestamps: Bool = true) {
    #expect(a.byUser.outerOffsets == b.byUser.outerOffsets)
    #expect(a.byUser.innerIndices == b.byUser.innerIndices)
    #expect(a.byUser.values == b.byUser.values)
    #expect(a.byItem.outerOffsets == b.byItem.outerOffsets)
    #expect(a.byItem.innerIndices == b.byItem.innerIndices)
    #expect(a.byItem.values == b.byItem.values)
    if timestamps {
        #expect(a.byUser == b.byUser)
        #expect(a.byItem == b.byItem)
        #expect(a.duplicatesMerged == b.duplicatesMerged)
    }
    #expect(a.userIDs == b.userIDs)
    #expect(a.itemIDs == b.itemIDs)
}

@Suite("Loader: binary cache and Matrix Market round trips")
struct LoaderRoundTripTests {
    @Test("a cache reloads the same CSR, CSC, timestamps, weights and id maps",
          arguments: [(false, false), (true, false), (false, true)])
    func cacheRoundTrip(textIDs: Bool, weights: Bool) throws {
        let m = try sampleMatrix(textIDs: textIDs, weights: weights)
        let dir = TemporaryFile("")
        defer { dir.cleanup() }
        let path = dir.sibling("m.als-cache")
        try BinaryCache.write(m, to: path)
        let back = try BinaryCache.read(path: path)
        try back.checkInvariants()
        expectSameMatrix(m, back)
        #expect(back.byUser.weights == m.byUser.weights)
        // DataLoader recognises a cache by its magic number, whatever the name.
        let r = try DataLoader.load(path: path, options: LoadOptions(progress: .quiet))
        #expect(r.format == .binaryCache)
        expectSameMatrix(m, r.matrix)
    }

    @Test("a loaded file, cached and reloaded, is unchanged", .enabled(if: LoaderData.isAvailable, "needs ../shared/data"))
    func cacheOfRealFile() throws {
        let m = try DataLoader.load(path: LoaderData.path("ml-latest-small/ratings.csv"), options: LoadOptions(progress: .quiet)).matrix
        let dir = TemporaryFile("")
        defer { dir.cleanup() }
        try BinaryCache.write(m, to: dir.sibling("c"))
        expectSameMatrix(m, try BinaryCache.read(path: dir.sibling("c")))
    }

    /// The bytes of a cache of the sample matrix, and a function that writes damaged copies.
    func damagedCache(_ damage: (inout [UInt8]) -> Void) throws -> ALSError? {
        let dir = TemporaryFile("")
        defer { dir.cleanup() }
        try BinaryCache.write(try sampleMatrix(textIDs: true), to: dir.sibling("c"))
        var bytes = try _InputFile(path: dir.sibling("c")).bytes(at: 0, count: 1 << 20)
        damage(&bytes)
        let bad = TemporaryFile(bytes)
        defer { bad.cleanup() }
        return alsError { _ = try BinaryCache.read(path: bad.path) }
    }

    func expectCorrupt(_ e: ALSError?, _ words: String) {
        guard case .corruptFile(_, let reason) = e else {
            Issue.record("expected corruptFile, got \(String(describing: e))")
            return
        }
        #expect(reason.contains(words), "\(reason)")
    }

    @Test("truncated, extended, flipped, foreign-version and other-endian caches are corruptFile errors")
    func corruptCaches() throws {
        expectCorrupt(try damagedCache { $0.removeLast(100) }, "truncated")
        expectCorrupt(try damagedCache { $0.removeLast($0.count - 40) }, "truncated")
        expectCorrupt(try damagedCache { $0 += [0, 0, 0, 0, 0, 0, 0, 0] }, "after the end")
        expectCorrupt(try damagedCache { $0[$0.count / 2] ^= 0x10 }, "checksum")
        expectCorrupt(try damagedCache { $0[$0.count - 3] ^= 0x01 }, "checksum")
        expectCorrupt(try damagedCache { $0[0] = 0x41 }, "magic")
        expectCorrupt(try damagedCache { $0[8] = 99 }, "version 99")
        expectCorrupt(try damagedCache { $0[12 ..< 16].reverse() }, "byte order")
        expectCorrupt(try damagedCache { $0[24] ^= 0x01 }, "disagree")
    }

    @Test("Matrix Market keeps values and id maps (integer and text), not timestamps", arguments: [false, true])
    func matrixMarketRoundTrip(textIDs: Bool) throws {
        let m = try sampleMatrix(textIDs: textIDs)
        let dir = TemporaryFile("")
        defer { dir.cleanup() }
        let path = dir.sibling("m.mtx")
        try MatrixMarket.write(m, to: path)
        let r = try DataLoader.load(path: path, options: LoadOptions(progress: .quiet))
        #expect(r.format == .matrixMarket)
        try r.matrix.checkInvariants()
        expectSameMatrix(m, r.matrix, timestamps: false)
        #expect(r.matrix.byUser.timestamps == nil)
    }

    @Test("a foreign Matrix Market file: 1-based ids, pattern values, symmetric expansion, summed duplicates")
    func foreignMatrixMarket() throws {
        let general = TemporaryFile("%%MatrixMarket matrix coordinate real general\n% a comment\n3 4 4\n1 1 1.5\n3 4 2\n1 1 2\n2 3 0.25\n",
                                    name: "g.mtx")
        defer { general.cleanup() }
        let g = try MatrixMarket.read(path: general.path)
        #expect(g.userIDs.storage == .integers([1, 2, 3]))
        #expect(g.itemIDs.storage == .integers([1, 2, 3, 4]))
        #expect(value(g, user: "1", item: "1") == 3.5)
        #expect(g.duplicatesMerged == 1)

        let pattern = TemporaryFile("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n", name: "p.mtx")
        defer { pattern.cleanup() }
        #expect(try MatrixMarket.read(path: pattern.path).byUser.values == [1, 1])

        let symmetric = TemporaryFile("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n2 1 5\n3 2 7\n", name: "s.mtx")
        defer { symmetric.cleanup() }
        let s = try MatrixMarket.read(path: symmetric.path)
        #expect(s.nonZeros == 5)
        #expect(value(s, user: "1", item: "2") == 5)
        #expect(value(s, user: "2", item: "1") == 5)
    }

    @Test("bad Matrix Market files name the offending line")
    func badMatrixMarket() throws {
        let cases: [(String, Int, String)] = [
            ("%%MatrixMarket matrix coordinate real general\n2 3 2\n1 3 x\n2 1 1\n", 3, "value is not a number"),
            ("%%MatrixMarket matrix coordinate real general\n2 3 2\n1 3 1\n5 1 1\n", 4, "index outside"),
            ("%%MatrixMarket matrix coordinate real general\n2 3 2\n1 3\n2 1 1\n", 3, "missing columns"),
            ("%%MatrixMarket matrix coordinate real general\n% c\n2 3 3\n1 3 1\n2 1 1\n", 6, "missing entries"),
            ("%%MatrixMarket matrix coordinate real general\n2 3 1\n1 3 -1\n", 3, "negative value"),
        ]
        for (text, line, reason) in cases {
            let file = TemporaryFile(text, name: "bad.mtx")
            defer { file.cleanup() }
            let m = malformed(alsError { _ = try DataLoader.load(path: file.path, options: LoadOptions(progress: .quiet)) })
            #expect(m?.line == line, "\(text)")
            #expect(m?.reason.hasPrefix(reason) == true, "\(String(describing: m))")
        }
        let array = TemporaryFile("%%MatrixMarket matrix array real general\n2 1\n1\n2\n", name: "a.mtx")
        defer { array.cleanup() }
        let e = alsError { _ = try DataLoader.load(path: array.path, options: LoadOptions(progress: .quiet)) }
        guard case .unknownFormat = e else {
            Issue.record("expected unknownFormat, got \(String(describing: e))")
            return
        }
    }
}
