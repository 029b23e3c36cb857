import Testing
@_spi(Engine) @_spi(Testing) @testable import ALS

@Suite("Loader: the shared MovieLens and Gowalla files",
       .enabled(if: LoaderData.isAvailable, "skipped: ../shared/data (MovieLens 100K, ml-latest-small, Gowalla) is not next to the package"))
struct LoaderRealDataTests {
    func load(_ relative: String, _ options: LoadOptions = LoadOptions()) throws -> LoadResult {
        var o = options
        o.progress = .quiet
        let r = try DataLoader.load(path: LoaderData.path(relative), options: o)
        try r.matrix.checkInvariants()
        #expect(r.skipped.total == 0)
        return r
    }

    @Test("ml-100k/u.data: 943 users, 1,682 items, 100,000 ratings, MovieLens 100K format")
    func movieLens100K() throws {
        let r = try load("ml-100k/u.data")
        #expect(r.format == .movieLens100K)
        #expect(r.matrix.users == 943)
        #expect(r.matrix.items == 1_682)
        #expect(r.matrix.nonZeros == 100_000)
        #expect(r.matrix.byUser.timestamps != nil)
        // Integer ids are numbered in ascending order: user 1 is row 0, item 1682 the last column.
        #expect(r.matrix.userIDs.externalID(0) == "1")
        #expect(r.matrix.itemIDs.externalID(1_681) == "1682")
        // The first line of u.data: 196 242 3 881250949.
        #expect(value(r.matrix, user: "196", item: "242") == 3)
        let u = r.matrix.userIDs.index(of: "196")!
        let p = r.matrix.byUser.range(of: u).first { r.matrix.byUser.innerIndices[$0] == Int32(r.matrix.itemIDs.index(of: "242")!) }!
        #expect(r.matrix.byUser.timestamps![p] == 881_250_949)
    }

    @Test("ml-latest-small/ratings.csv: 610 users, 9,724 items, 100,836 ratings, header by name")
    func movieLensLatestCSV() throws {
        let r = try load("ml-latest-small/ratings.csv")
        #expect(r.format == .csv)
        #expect(r.matrix.users == 610)
        #expect(r.matrix.items == 9_724)
        #expect(r.matrix.nonZeros == 100_836)
        // Second line: 1,1,4.0,964982703; half stars survive.
        #expect(value(r.matrix, user: "1", item: "1") == 4)
        #expect(r.matrix.byUser.values.contains(0.5))
        #expect(r.matrix.byUser.values.contains(3.5))
    }

    @Test("gowalla/train.txt: 29,858 users, 40,981 items, 810,128 interactions as adjacency lists")
    func gowallaAdjacency() throws {
        let r = try load("gowalla/train.txt")
        #expect(r.format == .adjacency)
        #expect(r.matrix.users == 29_858)
        #expect(r.matrix.items == 40_981)
        #expect(r.matrix.nonZeros == 810_128)
        #expect(r.matrix.byUser.values.allSatisfy { $0 == 1 })
        #expect(r.matrix.byUser.timestamps == nil)
    }

    @Test("the split TSVs load with the counts their SPLIT.md gives",
          arguments: [("gowalla/train.tsv", 29_858, 40_981, 810_128), ("gowalla/test.tsv", 29_858, 38_546, 217_242),
                      ("ml100k-implicit/train.tsv", 942, 1_425, 44_679), ("ml100k-implicit/test.tsv", 938, 1_096, 10_696),
                      ("ml100k-temporal/train.tsv", 751, 1_616, 80_000), ("ml100k-temporal/test.tsv", 107, 948, 2_875),
                      ("mlsmall-implicit/train.tsv", 609, 5_765, 39_105), ("mlsmall-implicit/test.tsv", 603, 2_976, 9_475),
                      ("mlsmall-random/train.tsv", 610, 9_361, 90_753), ("mlsmall-random/test.tsv", 595, 3_660, 10_083)])
    func splits(file: String, users: Int, items: Int, rows: Int) throws {
        let r = try load("splits/" + file)
        #expect(r.format == .delimited)
        #expect(r.matrix.users == users)
        #expect(r.matrix.items == items)
        #expect(r.matrix.nonZeros == rows)
    }

    @Test("one thread and two threads build the same matrix")
    func threadCountDoesNotMatter() throws {
        for file in ["ml-latest-small/ratings.csv", "gowalla/train.txt"] {
            var one = LoadOptions()
            one.threads = 1
            var two = LoadOptions()
            two.threads = 2
            let a = try load(file, one).matrix, b = try load(file, two).matrix
            #expect(a.byUser == b.byUser)
            #expect(a.byItem == b.byItem)
            #expect(a.userIDs == b.userIDs)
            #expect(a.itemIDs == b.itemIDs)
        }
    }
}
