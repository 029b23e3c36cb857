import Foundation
import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

/// The training interactions kept with a model (`SeenItems.training`, the default of every
/// recommend call): kept by training, saved and loaded (checksummed, mapped), and absent from
/// older files, which still load.
@Suite("Seen items kept with the model")
struct SeenItemsTests {
    static func trained(_ mode: ALSConfiguration.Mode = .implicit) throws -> (ALSModel, InteractionMatrix) {
        var config = ALSConfiguration.plain(mode: mode)
        config.factors = 4
        config.iterations = 3
        if mode == .weighted { config.walsWeighting = .linear(w0: 1, wk: 3) }
        let data = try smallProblem(users: 30, items: 20, count: 200, seed: 13)
        return (try ALSTrainer(config).fit(data), data)
    }

    /// A model file written by the format's writer before models kept item counts and seen
    /// items (`als train tiny.tsv --factors 2 --iterations 2` on six interactions: u1 a b,
    /// u2 b c, u3 a d): the three optional section entries are the zero bytes that were reserved.
    static let oldFormatFile = """
        U1dBTFNNREwBAAAABAMCAZOHRNhX629XkAMAAAAAAAAAAQAAAQAAAAIAAAAAAAAAAwAAAAAAAAAEAAAAAAAAAAAAAAAAAAAA
        AAEAAAAAAAAYAAAAAAAAAEABAAAAAAAAIAAAAAAAAACAAQAAAAAAAAAAAAAAAAAAgAEAAAAAAAAAAAAAAAAAAIABAAAAAAAA
        NgAAAAAAAADAAQAAAAAAADwAAAAAAAAAAAIAAAAAAABZAQAAAAAAAIADAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHOvRL8Upyy+BtIQvzGcSL8w7Eq/M17sPgAAAAAAAAAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAkuoS/oUVwPtJTar+xkAe/AcXEvluIT7+kOzW/U5IaPwAAAAAAAAAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAADAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAAEAAAAAAAAAAYAAAAAAAAA
        dTF1MnUzAAAAAAAAAAAAAAEAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAADAAAAAAAAAAQAAAAAAAAA
        YWJjZAAAAAB7InJlZ3VsYXJpemF0aW9uRXhwb25lbnQiOjEsInJlZ3VsYXJpemF0aW9uIjoxLCJtb2RlIjoiaW1wbGljaXQi
        LCJ0aHJlYWRzIjowLCJmYWN0b3JzIjoyLCJzb2x2ZXIiOiJjaG9sZXNreSIsImFscGhhIjoxMCwid2Fsc1dlaWdodGluZyI6
        eyJsaW5lYXIiOnsid2siOjAsIncwIjoxfX0sImNvbmZpZGVuY2UiOiJsb2ciLCJzZWVkIjo0MiwiY29tcHV0ZUxvc3MiOnRy
        dWUsImJpYXNlcyI6ZmFsc2UsIml0ZXJhdGlvbnMiOjIsInJlZ3VsYXJpemF0aW9uQWxwaGEwIjowLCJnbG9iYWxNZWFuIjpm
        YWxzZSwibWlzc2luZ1dlaWdodEV4cG9uZW50IjowLCJjb25maWRlbmNlRXBzaWxvbiI6MSwiY2dTdGVwcyI6M30AAAAAAAAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABKhEkf8G1JQPKusJQ0aypA
        """

    @Test("a trained model leaves each user's training items out by default, single and batch")
    func defaultExcludesTraining() throws {
        let (model, data) = try Self.trained()
        #expect(model.hasSeenItems)
        for u in 0 ..< model.users {
            #expect(try model.recommend(user: u, k: 6) == model.recommend(user: u, k: 6, excludeSeen: .interactions(data)))
        }
        let ids = (0 ..< model.users).map(model.userIDs.externalID)
        #expect(try model.recommend(userID: ids[3], k: 6) == model.recommend(userID: ids[3], k: 6, excludeSeen: .interactions(data)))
        let all = try model.recommendAll(k: 6)
        #expect(all == (try model.recommendAll(k: 6, excludeSeen: .interactions(data))))
        #expect(try model.recommend(userIDs: ids, k: 6) == all.map { $0.map { ScoredID(id: model.itemIDs.externalID($0.index), score: $0.score) } })
        // Keeping them takes .nothing; .items in a batch leaves the same items out for everyone.
        #expect(try model.recommendAll(k: 6, excludeSeen: .nothing) == (0 ..< model.users).map {
            try model.recommend(user: $0, k: 6, excludeSeen: .nothing)
        })
        #expect(try model.recommendAll(k: 6, excludeSeen: .items([1, 2])) == (0 ..< model.users).map {
            try model.recommend(user: $0, k: 6, excludeSeen: .items([1, 2]))
        })
    }

    @Test("seen items and item counts survive save and load; the loaded seen items are not copied")
    func roundTrip() throws {
        let dir = try ScratchDirectory()
        let (model, data) = try Self.trained(.weighted)
        let url = dir.file("m.als")
        try model.save(to: url)
        let loaded = try ALSModel.load(from: url)
        #expect(loaded.hasSeenItems)
        #expect(loaded.itemCounts == model.itemCounts && loaded.itemCounts != nil)
        #expect(loaded._seen?.isMapped == true, "the loaded seen items were copied")
        for u in 0 ..< model.users {
            #expect(loaded._seen?.items(of: u) == data.byUser.range(of: u).map { Int(data.byUser.innerIndices[$0]) })
        }
        #expect(try loaded.recommendAll(k: 5) == model.recommendAll(k: 5))
        let pairs: [(item: Int, value: Float)] = [(2, 1), (9, 3)]
        #expect(try loaded.foldIn(interactions: pairs) == model.foldIn(interactions: pairs))
    }

    @Test("includeSeenItems: false writes a file without them, whose default recommend throws")
    func withoutSeen() throws {
        let dir = try ScratchDirectory()
        let (model, data) = try Self.trained()
        let url = dir.file("m.als")
        try model.save(to: url, includeSeenItems: false)
        let loaded = try ALSModel.load(from: url)
        #expect(!loaded.hasSeenItems)
        #expect(throws: ALSError.self) { try loaded.recommend(user: 0, k: 3) }
        #expect(throws: ALSError.self) { try loaded.recommendAll(k: 3) }
        #expect(try loaded.recommend(user: 0, k: 3, excludeSeen: .nothing) == model.recommend(user: 0, k: 3, excludeSeen: .nothing))
        // The absent sections are zero entries in the header, as in files of the old layout.
        let bytes = Array(try Data(contentsOf: url))
        #expect(bytes[200 ..< 256].allSatisfy { $0 == 0 })
        // withSeenItems attaches the training data again.
        #expect(try loaded.withSeenItems(data).recommendAll(k: 3) == model.recommendAll(k: 3))
    }

    @Test("a model file of the older layout loads, without seen items or counts")
    func olderFile() throws {
        let dir = try ScratchDirectory()
        let url = dir.file("old.als")
        let data = try #require(Data(base64Encoded: Self.oldFormatFile.replacingOccurrences(of: "\n", with: "")))
        try data.write(to: url)
        let model = try ALSModel.load(from: url)
        #expect(model.users == 3 && model.items == 4 && model.factors == 2)
        #expect(!model.hasSeenItems && model.itemCounts == nil)
        #expect(try model.recommend(userID: "u3", k: 4, excludeSeen: .nothing).map(\.id) == ["a", "d", "b", "c"])
        #expect(throws: ALSError.self) { try model.recommend(userID: "u3", k: 4) }
        let train = try InteractionMatrix(users: 3, items: 4, triplets: Triplets(users: [0, 0, 1, 1, 2, 2], items: [0, 1, 1, 2, 0, 3],
                                                                                  values: [1, 2, 1, 1, 3, 1]),
                                          userIDs: model.userIDs, itemIDs: model.itemIDs)
        #expect(try model.withSeenItems(train).recommend(userID: "u3", k: 4).map(\.id) == ["b", "c"])
        // Saved again by this version, it keeps them.
        let again = dir.file("again.als")
        try model.withSeenItems(train).save(to: again)
        #expect(try ALSModel.load(from: again).recommend(userID: "u3", k: 4).map(\.id) == ["b", "c"])
    }

    @Test("seen-item sections that break their invariants are refused, even with a valid checksum")
    func corruptSections() throws {
        let dir = try ScratchDirectory()
        let (model, _) = try Self.trained()
        let url = dir.file("m.als")
        try model.save(to: url)
        let bytes = Array(try Data(contentsOf: url))
        func entry(_ s: _ModelFile.Section) -> Int {
            Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 72 + 16 * s.rawValue, as: UInt64.self) })
        }
        func load(_ b: [UInt8]) throws {
            var b = b
            let h = b.withUnsafeBytes { _XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[24...])) }
            withUnsafeBytes(of: h) { for j in 0 ..< 8 { b[16 + j] = $0[j] } }
            let bad = dir.file("bad.als")
            try Data(b).write(to: bad)
            _ = try ALSModel.load(from: bad)
        }
        var b = bytes
        b[entry(.seenItems)] = 0xFF  // item index 255 and more: out of range
        b[entry(.seenItems) + 3] = 0x7F
        expectCorrupt("seen items") { try load(b) }
        b = bytes
        b[entry(.seenOffsets) + 8] = 0xFF  // user 0's row ends past the entries
        expectCorrupt("seen items") { try load(b) }
        b = bytes
        for j in 0 ..< 16 { b[72 + 16 * _ModelFile.Section.seenItems.rawValue + j] = 0 }  // one of the pair absent
        expectCorrupt("seen-item sections") { try load(b) }
    }

    @Test("fold-in into the model sets the user's seen items; an appended user has none")
    func foldingInSetsRow() throws {
        let (model, _) = try Self.trained()
        let pairs: [(item: Int, value: Float)] = [(4, 1), (2, 2), (4, 1)]
        let replaced = try model.foldingIn(userID: model.userIDs.externalID(5), interactions: pairs)
        #expect(replaced._seen?.items(of: 5) == [2, 4])
        #expect(replaced._seen?.items(of: 6) == model._seen?.items(of: 6))
        let added = try model.foldingIn(userID: "100000", interactions: pairs)
        #expect(added._seen?.items(of: model.users) == [2, 4])
        #expect(!(try added.recommend(userID: "100000", k: 20)).contains { $0.id == model.itemIDs.externalID(2) })
        let appended = try model.appendingUser(id: "100001", factors: [1, 0, 0, 0])
        #expect(appended._seen?.items(of: model.users) == [])
        #expect(try appended.recommend(userID: "100001", k: 20).count == model.items)
    }
}
